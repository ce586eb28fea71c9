import Foundation
import Store

/// The review page: one self-contained HTML document (inline CSS and script, no network) listing samples with
/// their context, the supporting spans highlighted, the check results, and accept/reject/edit controls that post
/// to the review server.
public enum ReviewPage {
    /// Renders `items` (one page of the dataset) with their current reviews.
    public static func html(dataset: ReviewDataset, items: [ReviewItem], reviews: [SampleReview],
                            agreement: ReviewAgreement, reviewer: String, page: Int, pageCount: Int, filter: String) -> String {
        let bySample = Dictionary(grouping: reviews, by: \.sampleID)
        var body = ""
        for item in items { body += card(item, reviews: bySample[item.id] ?? []) }
        if items.isEmpty { body = "<p class=\"empty\">No samples match this filter.</p>" }
        let nav = navigation(page: page, pageCount: pageCount, filter: filter)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Review · \(escape(dataset.name))</title>
            <style>\(style)</style></head>
            <body>
            <header class="top">
              <h1>Review <code>\(escape(dataset.name))</code></h1>
              <label>Reviewer <input id="reviewer" value="\(escape(reviewer))" size="14" autocomplete="off"></label>
              <nav class="filters">\(filters(current: filter))</nav>
              <div id="summary">\(summary(agreement))</div>
              <nav class="export"><a id="export-link" href="/export.jsonl">Export reviewed dataset (JSONL)</a> · <a href="/api/agreement">agreement (JSON)</a></nav>
            </header>
            <main>
            \(nav)
            \(body)
            \(nav)
            </main>
            <script>\(script)</script>
            </body></html>
            """
    }

    /// The summary line: counts and agreement between reviewers and the automatic checks.
    public static func summary(_ a: ReviewAgreement) -> String {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        let kappa = a.kappa.map { String(format: "%.2f", $0) } ?? "–"
        var text = "<span id=\"reviewed-count\">\(a.reviewed)</span> of \(a.samples) reviewed · "
        text += "agreement with automatic checks <strong id=\"agreement\">\(pct(a.agreement))</strong> (κ \(kappa)) · "
        text += "kept samples accepted by people: <strong id=\"kept-accepted\">\(pct(a.keptAcceptedShare))</strong> · "
        text += "\(a.edited) edited · \(a.disputed) disputed"
        for pair in a.pairs {
            text += " · \(escape(pair.reviewers.joined(separator: " vs "))): \(pct(pair.agreement)) on \(pair.shared)"
        }
        return text
    }

    static func card(_ item: ReviewItem, reviews: [SampleReview]) -> String {
        let status = ReviewAgreement.status(reviews)
        let who = escape(ReviewAgreement.reviewerLine(reviews))
        var fields = ""
        for field in item.fields {
            fields += """
                <div class="field" data-field="\(escape(field.name))"><span class="name">\(escape(field.name))</span>\
                <div class="value">\(escape(field.value))</div>\
                <textarea class="edit" hidden>\(escape(field.value))</textarea></div>
                """
        }
        var context = ""
        for (index, passage) in item.context.enumerated() {
            let text = passage.pieces.map { $0.isSupport ? "<mark>\(escape($0.text))</mark>" : escape($0.text) }.joined()
            let heading = passage.heading.isEmpty ? "" : " · \(escape(passage.heading))"
            context += """
                <div class="passage\(index == 0 ? " source" : "")"><div class="where">[\(index + 1)] chunk \(passage.chunkID) · \
                \(escape(passage.document))\(heading)</div><p>\(text)</p></div>
                """
        }
        for span in item.unmatchedSpans {
            context += "<div class=\"passage missing\"><div class=\"where\">span not found in the stored chunks</div><p><mark>\(escape(span))</mark></p></div>"
        }
        var checks = ""
        for check in item.checks {
            checks += """
                <tr class="\(check.passed ? "pass" : "fail")"><td>\(escape(check.name))</td><td>\(check.passed ? "passed" : "failed")</td>\
                <td>\(String(format: "%.2f", check.score))</td><td>\(escape(check.reason))</td></tr>
                """
        }
        return """
            <article class="sample \(status)" id="sample-\(escape(item.id))" data-id="\(escape(item.id))" data-auto="\(item.automaticallyKept ? "kept" : "rejected")">
            <header><span class="id">\(escape(item.id))</span> <span class="type">\(escape(item.type))</span>
            <span class="auto \(item.automaticallyKept ? "kept" : "rejected")">automatic: \(item.automaticallyKept ? "kept" : "rejected")</span>
            <span class="status">\(status)</span> <span class="who">\(who)</span></header>
            <div class="fields">\(fields)</div>
            <details class="context" open><summary>Context (\(item.context.count) passages; supporting spans highlighted)</summary>\(context)</details>
            <details class="checks"\(item.automaticallyKept ? "" : " open")><summary>Checks</summary><table>\(checks)</table></details>
            <div class="actions">
            <button class="accept" type="button">Accept</button>
            <button class="reject" type="button">Reject</button>
            <button class="edit-button" type="button">Edit</button>
            <button class="save" type="button" hidden>Save &amp; accept</button>
            <button class="cancel" type="button" hidden>Cancel</button>
            <input class="note" placeholder="note (optional)" size="30">
            <span class="message" role="status"></span>
            </div>
            </article>

            """
    }

    static func filters(current: String) -> String {
        ["all", "unreviewed", "kept", "rejected", "accepted", "disagreements"].map { name in
            name == current ? "<strong>\(name)</strong>" : "<a href=\"/?filter=\(name)\">\(name)</a>"
        }.joined(separator: " · ")
    }

    static func navigation(page: Int, pageCount: Int, filter: String) -> String {
        guard pageCount > 1 else { return "" }
        var links: [String] = []
        for p in 1...pageCount {
            links.append(p == page ? "<strong>\(p)</strong>" : "<a href=\"/?filter=\(filter)&amp;page=\(p)\">\(p)</a>")
        }
        return "<nav class=\"pages\">Page " + links.joined(separator: " ") + "</nav>"
    }

    /// Escapes text for HTML element content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
        body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
        header.top{position:sticky;top:0;background:#fff;border-bottom:1px solid #d8dce3;padding:8px 16px;z-index:1}
        h1{font-size:18px;margin:0 0 4px}
        #summary{margin:4px 0;color:#333}
        main{max-width:1000px;margin:0 auto;padding:8px 16px}
        article.sample{background:#fff;border:1px solid #d8dce3;border-left:6px solid #aab;border-radius:6px;margin:12px 0;padding:10px 14px}
        article.accepted{border-left-color:#2e8b57}
        article.rejected{border-left-color:#c0392b}
        article.disputed{border-left-color:#e69b00}
        article header{font-size:13px;color:#555}
        .type{background:#eef;padding:1px 6px;border-radius:3px}
        .auto.kept{color:#2e8b57}.auto.rejected{color:#c0392b}
        .status{font-weight:600}
        .field{margin:6px 0}.field .name{font-size:12px;color:#667;text-transform:uppercase;display:block}
        .field .value{white-space:pre-wrap}
        textarea.edit{width:100%;min-height:3em;font:inherit}
        .passage{border-top:1px dashed #ddd;padding:4px 0;font-size:14px}
        .passage.source .where{font-weight:600}
        .passage.missing{color:#a00}
        .where{font-size:12px;color:#667}
        mark{background:#ffe27a;padding:0 1px}
        table{border-collapse:collapse;font-size:13px}td{border-bottom:1px solid #eee;padding:2px 8px;vertical-align:top}
        tr.fail td:nth-child(2){color:#c0392b;font-weight:600}tr.pass td:nth-child(2){color:#2e8b57}
        .actions{margin-top:8px}.actions button{margin-right:6px}
        .message{margin-left:8px;color:#555}
        .pages{margin:8px 0}
        """

    static let script = """
        const reviewerInput = document.getElementById('reviewer');
        const saved = localStorage.getItem('rag-reviewer');
        if (saved && !reviewerInput.value) reviewerInput.value = saved;
        reviewerInput.addEventListener('change', () => localStorage.setItem('rag-reviewer', reviewerInput.value));
        async function send(card, verdict, edited) {
          const message = card.querySelector('.message');
          const reviewer = reviewerInput.value.trim();
          if (!reviewer) { message.textContent = 'enter a reviewer name first'; return false; }
          const body = {sample_id: card.dataset.id, reviewer, verdict, note: card.querySelector('.note').value};
          if (edited) body.edited = edited;
          message.textContent = 'saving…';
          try {
            const response = await fetch('/api/review', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
            const reply = await response.json();
            if (!response.ok) { message.textContent = 'error: ' + (reply.error || response.status); return false; }
            card.classList.remove('accepted', 'rejected', 'disputed', 'unreviewed');
            card.classList.add(reply.status);
            card.querySelector('.status').textContent = reply.status;
            card.querySelector('.who').textContent = reply.reviews;
            document.getElementById('summary').innerHTML = reply.summary;
            message.textContent = 'saved';
            return true;
          } catch (error) { message.textContent = 'error: ' + error; return false; }
        }
        function setEditing(card, on) {
          card.querySelectorAll('textarea.edit').forEach(t => t.hidden = !on);
          card.querySelectorAll('.field .value').forEach(v => v.hidden = on);
          card.querySelector('.save').hidden = !on; card.querySelector('.cancel').hidden = !on;
          card.querySelector('.edit-button').hidden = on;
        }
        document.querySelectorAll('article.sample').forEach(card => {
          card.querySelector('.accept').addEventListener('click', () => send(card, 'accept'));
          card.querySelector('.reject').addEventListener('click', () => send(card, 'reject'));
          card.querySelector('.edit-button').addEventListener('click', () => setEditing(card, true));
          card.querySelector('.cancel').addEventListener('click', () => setEditing(card, false));
          card.querySelector('.save').addEventListener('click', async () => {
            const edited = {};
            card.querySelectorAll('.field').forEach(f => {
              const t = f.querySelector('textarea.edit'), v = f.querySelector('.value');
              if (t.value !== v.textContent) edited[f.dataset.field] = t.value;
            });
            const changed = Object.keys(edited).length ? edited : null;
            if (await send(card, 'accept', changed)) {
              card.querySelectorAll('.field').forEach(f => { f.querySelector('.value').textContent = f.querySelector('textarea.edit').value; });
              setEditing(card, false);
            }
          });
        });
        """
}
