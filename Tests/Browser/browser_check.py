#!/usr/bin/env python3
"""Drives real headless Chromium (Debian's chromium + chromium-driver, through selenium) against rag's pages.

  review  --rag BIN --db DB --dataset FILE.jsonl [--screenshot PNG]
      starts `rag review`, accepts the first sample, rejects the second, edits and accepts the third in the
      browser; checks the page shows each status, that a reload (server-rendered from SQLite) still shows
      them, and that /export.jsonl and /api/agreement reflect the clicks. Prints a JSON summary.
  report  --html FILE.html [--screenshot PNG]
      opens a report page from disk and checks that every inline SVG chart rendered with a non-zero size
      and drew marks. Prints a JSON summary.

Exit status 0 when every check held; otherwise a message naming the failed check and status 1.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request


def fail(message):
    print(f"browser check failed: {message}", file=sys.stderr)
    sys.exit(1)


def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        fail("selenium is not installed (pip install selenium; scripts/setup.sh does)")
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not os.path.exists(driver_path):
        fail("chromedriver not found (apt install chromium-driver; scripts/setup.sh does)")
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,1600"):
        options.add_argument(argument)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def wait_for(predicate, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return
        except Exception:  # element not there yet
            pass
        time.sleep(0.1)
    fail(f"timed out waiting for {what}")


def review(args):
    from selenium.webdriver.common.by import By

    server = subprocess.Popen([args.rag, "review", args.dataset, "--db", args.db, "--reviewer", ""],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if not match:
            fail(f"rag review printed no URL: {line!r} {server.stderr.read() if server.poll() is not None else ''}")
        url = match.group(0)
        driver = browser()
        try:
            driver.get(url)
            cards = driver.find_elements(By.CSS_SELECTOR, "article.sample")
            if len(cards) < 3:
                fail(f"expected at least 3 samples on the page, found {len(cards)}")
            marks = driver.find_elements(By.CSS_SELECTOR, "article.sample mark")
            if not marks or not marks[0].text.strip():
                fail("no highlighted supporting span on the page")
            ids = [card.get_attribute("data-id") for card in cards[:3]]

            # Without a reviewer name the page refuses to store anything.
            cards[0].find_element(By.CSS_SELECTOR, "button.accept").click()
            wait_for(lambda: "reviewer" in cards[0].find_element(By.CSS_SELECTOR, ".message").text,
                     "the missing-reviewer message")
            reviewer = driver.find_element(By.ID, "reviewer")
            reviewer.clear()
            reviewer.send_keys("browser-test")

            def status(card):
                return card.find_element(By.CSS_SELECTOR, ".status").text

            cards[0].find_element(By.CSS_SELECTOR, "button.accept").click()
            wait_for(lambda: status(cards[0]) == "accepted", "sample 1 to show accepted")
            cards[1].find_element(By.CSS_SELECTOR, "button.reject").click()
            wait_for(lambda: status(cards[1]) == "rejected", "sample 2 to show rejected")

            cards[2].find_element(By.CSS_SELECTOR, "button.edit-button").click()
            field = next(f for f in cards[2].find_elements(By.CSS_SELECTOR, ".field")
                         if f.get_attribute("data-field") in ("answer", "label", "text"))
            field_name = field.get_attribute("data-field")
            textarea = field.find_element(By.CSS_SELECTOR, "textarea.edit")
            if not textarea.is_displayed():
                fail("the edit box did not open")
            edited_text = "Edited in the browser: " + textarea.get_attribute("value")[:80]
            textarea.clear()
            textarea.send_keys(edited_text)
            cards[2].find_element(By.CSS_SELECTOR, "button.save").click()
            wait_for(lambda: status(cards[2]) == "accepted", "sample 3 to show accepted after the edit")
            wait_for(lambda: field.find_element(By.CSS_SELECTOR, ".value").text == edited_text,
                     "the edited text to show")
            summary = driver.find_element(By.ID, "reviewed-count").text
            if summary != "3":
                fail(f"summary shows {summary!r} reviewed, expected 3")

            # A reload renders from SQLite: the clicks must have been stored.
            driver.get(url)
            reloaded = {c.get_attribute("data-id"): c for c in driver.find_elements(By.CSS_SELECTOR, "article.sample")}
            got = [reloaded[i].find_element(By.CSS_SELECTOR, ".status").text for i in ids]
            if got != ["accepted", "rejected", "accepted"]:
                fail(f"after reload the statuses are {got}")
            if args.screenshot:
                driver.save_screenshot(args.screenshot)
        finally:
            driver.quit()

        exported = [json.loads(l) for l in urllib.request.urlopen(url + "export.jsonl").read().decode().splitlines() if l]
        exported_ids = [e["id"] for e in exported]
        if exported_ids != [ids[0], ids[2]]:
            fail(f"export holds {exported_ids}, expected {[ids[0], ids[2]]}")
        if exported[1].get(field_name) != edited_text or not exported[1]["review"]["edited"]:
            fail(f"the export does not carry the edit: {exported[1].get(field_name)!r}")
        agreement = json.loads(urllib.request.urlopen(url + "api/agreement").read())
        if agreement["reviewed"] != 3 or agreement["reviewers"] != ["browser-test"]:
            fail(f"agreement endpoint says {agreement}")
        print(json.dumps({"url": url, "reviewed": ids, "edited_field": field_name, "exported": len(exported),
                          "agreement": agreement["agreement"]}))
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(args):
    from selenium.webdriver.common.by import By

    driver = browser()
    try:
        driver.get("file://" + os.path.abspath(args.html))
        charts = driver.find_elements(By.CSS_SELECTOR, "svg")
        if not charts:
            fail(f"{args.html} has no SVG chart")
        sizes = []
        for chart in charts:
            size = chart.size
            shapes = chart.find_elements(By.CSS_SELECTOR, "rect, path, polyline, circle, line")
            if size["width"] < 50 or size["height"] < 50:
                fail(f"a chart rendered at {size}")
            if not shapes:
                fail("a chart drew no marks")
            sizes.append([size["width"], size["height"], len(shapes)])
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"] if hasattr(driver, "get_log") else []
        if errors:
            fail(f"console errors: {errors}")
        if args.screenshot:
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(1200, min(max(height, 800), 6000))
            driver.save_screenshot(args.screenshot)
        print(json.dumps({"html": args.html, "charts": len(charts), "sizes": sizes,
                          "title": driver.title}))
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("review")
    r.add_argument("--rag", required=True)
    r.add_argument("--db", required=True)
    r.add_argument("--dataset", required=True)
    r.add_argument("--screenshot")
    p = sub.add_parser("report")
    p.add_argument("--html", required=True)
    p.add_argument("--screenshot")
    args = parser.parse_args()
    review(args) if args.mode == "review" else report(args)


if __name__ == "__main__":
    main()
