import Dataset
import Foundation
import Embeddings
import Generation
import Grounding
import RAGTestSupport
import Testing
import TextAnalysis

@Suite struct TaskDefinitionTests {
    /// Every task file the README runs parses, and the seeded TREC task's seeds are real questions of the TREC
    /// file under their own class, three a class (trec_seeds.py picks them outside the test lines).
    @Test func everyShippedTaskFileParsesAndTheTrecSeedsAreRealQuestions() throws {
        let benchmarks = SharedData.packageRoot + "/Benchmarks"
        let files = try FileManager.default.subpathsOfDirectory(atPath: benchmarks).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 5)
        for file in files { _ = try TaskDefinition.load(path: benchmarks + "/" + file) }

        let seeded = try TaskDefinition.load(path: benchmarks + "/classification/trec-questions-seeded.yaml")
        let plain = try TaskDefinition.load(path: benchmarks + "/classification/trec-questions.yaml")
        #expect(seeded.labels == plain.labels && seeded.labelDefinitions == plain.labelDefinitions)
        var labelOf: [String: String] = [:]
        for line in try JSONLines.read(SharedData.path("classification/trec-questions/train.jsonl")) {
            if let text = line.object["text"]?.stringValue, let label = line.object["label"]?.stringValue { labelOf[text] = label }
        }
        for label in seeded.labels {
            let seeds = seeded.seedExamples[label] ?? []
            #expect(seeds.count == 3, "\(label)")
            for seed in seeds { #expect(labelOf[seed] == label, "\(seed)") }
        }
    }

    /// Stop 28's forum run kept a "bug report" that quoted its passage as "the following evidence from the
    /// passage": no user writes that. The leakage check rejects it (rag generate and rag filter alike), while
    /// "the statement", an ordinary word in a message about SQL, passes.
    @Test func aUserMessageThatTalksAboutThePassageFailsTheFormCheck() throws {
        let task = try TaskDefinition.parse("""
            domain: user messages to a PostgreSQL support forum
            kind: classification
            count: 2
            classification: {text_form: user message, labels: [bug_report, how_to_question]}
            """)
        let leaked = "I had transaction ID wraparound and lost data. I received the following evidence from the "
            + "passage: 'PostgreSQL's MVCC transaction semantics depend on being able to compare XIDs'"
        let leak = PromptLeakage.check(text: leaked, instructions: [], passages: [], forbidSourceMention: !task.textsAreQuestions)
        #expect(!leak.passed && leak.reason == "the text talks about the passage it was written from")
        #expect(PromptLeakage.sourceMention(in: "The statement fails with a syntax error since the upgrade to 15.") == nil)
        #expect(task.classificationFormProblem(text: "The statement fails with a syntax error since the upgrade to 15.",
                                               label: "bug_report") == nil)
        #expect(task.classificationFormProblem(text: "The statement fails with a syntax error since the upgrade to 15.",
                                               label: "complaint") == "label not in label set")
    }

    /// Stop 27's TREC run kept "What was John Wesley's name?" as an abbreviation question with the answer
    /// "John Wesley", and "How many sports does Kenya have?" with an answer the passage does not hold. A question
    /// that holds its own answer, or whose answer is not a phrase of its passage, fails before any reader.
    @Test func aClassificationQuestionMustNotHoldItsAnswerAndItsAnswerMustBeInThePassage() throws {
        let task = try TaskDefinition.parse("""
            domain: questions about encyclopedia articles
            kind: classification
            count: 2
            classification: {text_form: question, labels: [HUM, ABBR]}
            """)
        let passage = "John Wesley warned against the dangers of drinking in his famous sermon, \"The Use of Money\"."
        func failed(_ question: String, _ focus: String?) -> [String]? {
            task.questionFocusChecks(question: question, focus: focus, passages: [passage])?.filter { !$0.passed }.map(\.name)
        }
        #expect(failed("Who warned against the dangers of drinking in a famous sermon?", "John Wesley") == [])
        #expect(failed("What was John Wesley's name?", "John Wesley") == ["question_contains_answer"])
        #expect(failed("Who preached about money?", "Charles Wesley") == ["answer_span_located"])
        // A record written before texts had a focus is not judged on it; nor is a text that is not a question.
        #expect(failed("Who warned against drinking?", nil) == nil)
        let messages = try TaskDefinition.parse("""
            domain: forum messages
            kind: classification
            count: 2
            classification: {text_form: user message, labels: [bug_report, how_to_question]}
            """)
        #expect(messages.questionFocusChecks(question: "My server crashes.", focus: "crash", passages: [passage]) == nil)
    }

    @Test func parsesAQATaskInYAMLAndJSON() throws {
        let yaml = """
            domain: PostgreSQL administration
            kind: qa
            count: 20
            seed: 9
            qa:
              types: {factoid: 3, definition: 1}
              answer_style: span
            examples:
              - {question: "What is VACUUM?", answer: "A command that reclaims storage."}
            """
        let task = try TaskDefinition.parse(yaml)
        #expect(task.kind == .qa && task.count == 20 && task.seed == 9 && task.answerStyle == .span)
        #expect(task.questionTypeQuotas == [.factoid: 15, .definition: 5])
        #expect(task.examples.count == 1)
        let json = #"{"domain": "d", "kind": "classification", "count": 7, "classification": {"labels": ["a", "b", "c"]}}"#
        let c = try TaskDefinition.parse(json)
        #expect(c.labelQuotas.values.reduce(0, +) == 7)
        #expect(Set(c.labelQuotas.keys) == ["a", "b", "c"])
    }

    @Test func labelsWithDefinitionsKeepTheFilesOrder() throws {
        let task = try TaskDefinition.parse("""
            domain: support forum
            kind: classification
            count: 3
            classification:
              text_form: user message
              labels:
                zeta: "something behaves wrongly"
                alpha: "asks how to do something"
                mid:
              seed_examples: {alpha: ["How do I dump one table?"]}
            """)
        // Not sorted: the order the file gives, which the prompts' class letters follow.
        #expect(task.labels == ["zeta", "alpha", "mid"])
        #expect(task.labelDefinitions == ["zeta": "something behaves wrongly", "alpha": "asks how to do something"])
        #expect(task.textForm == "user message" && !task.allowLabelNames)
        #expect(task.seedExamples == ["alpha": ["How do I dump one table?"]])
        let prompt = PromptBuilder(task: task).messages(for: SampleSlot(
            index: 0, target: "alpha", context: [SourcePassage(chunkID: 1, document: "d", text: "pg_dump -t dumps one table.", start: 0)]))
        let user = try #require(prompt.last?.content)
        #expect(user.contains("an example of the class \"alpha\" (asks how to do something)"))
        #expect(user.contains("\"zeta\" (something behaves wrongly)") && user.contains("How do I dump one table?"))
        #expect(user.contains("Do not use the class name \"alpha\""))
    }

    /// An abbreviation question must be about an abbreviation its passage defines: the writer is told which, and
    /// a question about anything else (stop 30's "What does the abbreviation 'string' stand for?") fails.
    @Test func aLabelsSubjectsAreFoundInThePassageAndTheTextMustBeAboutOne() throws {
        let task = try TaskDefinition.load(path: SharedData.packageRoot + "/Benchmarks/classification/trec-questions-seeded.yaml")
        let passage = "Deaf people in the United States use American Sign Language (ASL); the National Science "
            + "Foundation (NSF) funds research on it. The NSF was founded in 1950. A string of signs forms a sentence."
        #expect(task.subjects(of: "ABBR", in: passage) == ["ASL", "NSF"])
        #expect(task.subjects(of: "LOC", in: passage).isEmpty)
        #expect(task.labelSubjectCheck(text: "What does ASL stand for ?", focus: "American Sign Language", label: "ABBR",
                                       passage: passage)?.passed == true)
        // Asked the other way round, the abbreviation is the answer: the focus.
        #expect(task.labelSubjectCheck(text: "What is the abbreviation of the National Science Foundation ?", focus: "NSF",
                                       label: "ABBR", passage: passage)?.passed == true)
        let madeUp = try #require(task.labelSubjectCheck(text: "What does the abbreviation 'string' stand for ?",
                                                         focus: "string of signs", label: "ABBR", passage: passage))
        #expect(!madeUp.passed && madeUp.reason.contains("\"ASL\", \"NSF\""), "\(madeUp.reason)")
        #expect(task.labelSubjectCheck(text: "Where do people sign ?", focus: "United States", label: "LOC", passage: passage) == nil)

        let prompt = PromptBuilder(task: task).messages(for: SampleSlot(
            index: 0, target: "ABBR", context: [SourcePassage(chunkID: 1, document: "d", text: passage, start: 0)]))
        #expect(prompt.last?.content.contains("It must be about \"ASL\" or \"NSF\", as passage [1] states it.") == true)
        // A slot drawn for one of them names only that one, with what the passage says it stands for.
        var slot = SampleSlot(index: 1, target: "ABBR", context: [SourcePassage(chunkID: 1, document: "d", text: passage, start: 0)])
        slot.subject = "NSF"
        let one = try #require(PromptBuilder(task: task).messages(for: slot).last?.content)
        #expect(one.contains("It must ask what \"NSF\" stands for (its focus is then \"National Science Foundation\")"), "\(one)")
        #expect(!one.contains("\"ASL\""))
        // The passage settles the answer: the long form for the short one, and the other way round.
        #expect(task.subjectAnswer(question: "What does NSF stand for?", subject: "NSF", label: "ABBR", passage: passage)
                == "National Science Foundation")
        #expect(task.subjectAnswer(question: "What is the abbreviation of the national science foundation?", subject: "NSF",
                                   label: "ABBR", passage: passage) == "NSF")
        #expect(task.subjectAnswer(question: "Is NSF the National Science Foundation?", subject: "NSF", label: "ABBR",
                                   passage: passage) == nil)
        #expect(task.subjectAnswer(question: "What does NSF stand for?", subject: "NSF", label: "LOC", passage: passage) == nil)
        #expect(Abbreviations.definitions(in: "Emissions under business as usual (BAU) rise.")
                == [Abbreviations.Definition(short: "BAU", long: "business as usual")])

        // Defined by initials, not in parentheses: the short form counts when capitalised words spell it.
        let spelled = "The National Football League held its draft in New York. The NFL then moved it to Chicago in "
            + "World War II's aftermath; the U.S. TV rights went to CBS."
        #expect(task.subjects(of: "ABBR", in: spelled) == ["NFL"])
    }

    /// On the XQuAD paragraphs (real Wikipedia text), the abbreviations a paragraph defines: those in parentheses
    /// and those its words (or its article's title) spell out, but no Roman numeral and no short form the paragraph
    /// never spells out.
    @Test func abbreviationsTheXquadParagraphsDefineAreFound() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: SharedData.path("qa/xquad/xquad.en.json"))))
        let articles = try #require((json as? [String: Any])?["data"] as? [[String: Any]])
        // Each paragraph under its article's title, as `rag ingest` stores an XQuAD context (the title is its heading).
        let paragraphs = articles.flatMap { article in
            (article["paragraphs"] as? [[String: Any]] ?? []).compactMap { paragraph in
                (paragraph["context"] as? String).map { "\(article["title"] as? String ?? "")\n\n\($0)" }
            }
        }
        let found = paragraphs.map { Abbreviations.defined(in: $0) }
        let all = Set(found.joined())
        // In parentheses ("American Sign Language (ASL)") and spelled out ("the Lunar Module ... the LM").
        for form in ["ASL", "NSF", "UDP", "TUMAS", "PZPN", "MSFC", "IPCC", "ABC", "V&A"] { #expect(all.contains(form), "\(form)") }
        // Roman numerals, and short forms no paragraph spells out (TV, NBC: no "National Broadcasting Company").
        for form in ["II", "XLIX", "TV", "NBC"] { #expect(!all.contains(form), "\(form)") }
        // Enough for the TREC task's 20 ABBR questions: more paragraphs with one than it needs.
        #expect(found.filter { !$0.isEmpty }.count >= 30, "\(found.filter { !$0.isEmpty }.count)")
    }

    /// The TREC task's question forms, run by rag's own check on 1,000 real TREC questions (the file's last
    /// thousand: the forms were written looking at another half of it): most real questions pass under their own
    /// class, few under a wrong one. And stop 31's six wrong labels fail, while its fourteen right ones pass.
    @Test func theTrecFormsSortRealQuestionsAndCatchStop31sWrongLabels() throws {
        let task = try TaskDefinition.load(path: SharedData.packageRoot + "/Benchmarks/classification/trec-questions-seeded.yaml")
        #expect(task.labelForms.count == 5 && task.labelForms["ENTY"] == nil)
        let lines = try JSONLines.read(SharedData.path("classification/trec-questions/train.jsonl")).suffix(1000)
        var own = 0, wrong = 0, wrongTried = 0
        for line in lines {
            let text = line.object["text"]?.stringValue ?? "", label = line.object["label"]?.stringValue ?? ""
            if task.labelFormCheck(text: text, label: label)?.passed == true { own += 1 }
            for other in task.labels where other != label {
                wrongTried += 1
                if task.labelFormCheck(text: text, label: other)?.passed == true { wrong += 1 }
            }
        }
        let ownShare = Double(own) / Double(lines.count), wrongShare = Double(wrong) / Double(wrongTried)
        #expect(ownShare > 0.7, "\(ownShare)")
        #expect(wrongShare < 0.1, "\(wrongShare)")

        let wrongLabels = [
            ("Which museum's Musical Instruments gallery closed in 2010 due to controversy?", "ENTY"),
            ("What are the two types of video formats used by BSkyB?", "DESC"),
            ("What are the primary subsectors of construction according to these systems?", "DESC"),
            ("What are some characteristics of ctenophores?", "ENTY"),
            ("What social class was this person born into?", "HUM"),
            ("What is the time complexity of a deterministic Turing machine?", "NUM"),
        ]
        for (text, label) in wrongLabels { #expect(task.labelFormCheck(text: text, label: label)?.passed == false, "\(text)") }
        let museum = task.labelFormCheck(text: wrongLabels[0].0, label: "ENTY")
        #expect(museum?.reason == "the question has the form of LOC, not of ENTY", "\(museum?.reason ?? "")")
        let rightLabels = [
            ("What animal phylum lacks any true hox genes?", "ENTY"), ("How many digits are in the largest known prime number?", "NUM"),
            ("Which two Polish provinces have the most counties? ", "LOC"), ("Where did the French Huguenots migrate to in 1700?", "LOC"),
            ("What does GPhC stand for? ", "ABBR"), ("What is the abbreviation for National LambdaRail?", "ABBR"),
            ("How does design integration enhance the efficiency of large construction firms?", "DESC"),
            ("How many companies are listed in ENR's Top-40 list?", "NUM"),
            ("What is the difference between an independent school and a private school in terms of financial aid?", "DESC"),
            ("What is the name of the organization that members of the United Methodist Church use to support the pro-life cause?", "HUM"),
            ("What city is located at the end of the Middle Rhine?", "LOC"),
        ]
        for (text, label) in rightLabels { #expect(task.labelFormCheck(text: text, label: label)?.passed == true, "\(text)") }
        // A task without forms has no such check.
        #expect(try TaskDefinition.load(path: SharedData.packageRoot + "/Benchmarks/classification/trec-questions.yaml")
            .labelFormCheck(text: "Who?", label: "HUM") == nil)
    }

    /// `rag filter` runs the form check before any reader, as `rag generate` does: a SCRIPTED reader (a fake,
    /// named as such) that would say "Yes" to every class is never asked about a text of the wrong form.
    @Test func filterRejectsATextOfAnotherLabelsFormBeforeTheReader() async throws {
        let task = try TaskDefinition.load(path: SharedData.packageRoot + "/Benchmarks/classification/trec-questions-seeded.yaml")
        let reader = ScriptedLanguageModel(name: "reader") { _, _ in "Yes" }
        let filter = GroundingSampleFilter(
            checker: try SupportChecker(embedder: HashingEmbedder(), verifier: LanguageModelVerifier(model: reader)), task: task)
        let sample = GeneratedSample(
            id: "1", fields: ["text": "What are the two types of video formats used by BSkyB?", "label": "DESC"], type: "DESC",
            sourceChunkIDs: [], spans: [], generator: "llm", model: "m", checks: [], round: 0, context: [])
        let checks = try await filter.recheck(sample)
        #expect(checks.map(\.name) == ["label_form"] && checks.first?.passed == false, "\(checks)")
        #expect(reader.received.isEmpty)
    }

    @Test(arguments: [
        ("kind: qa\ncount: 5", "domain"),
        ("domain: x\ncount: 5\nkind: classification\nclassification: {labels: [a, b], seed_examples: {c: [x]}}",
         "classification.seed_examples.c"),
        ("domain: x\ncount: 5\nkind: classification\nclassification: {labels: {a: x, b: [1]}}", "classification.labels.b"),
        ("domain: x\ncount: 0", "count"),
        ("domain: x\ncount: 5\nkind: poem", "kind"),
        ("domain: x\ncount: 5\nqa: {types: {riddle: 1}}", "qa.types.riddle"),
        ("domain: x\ncount: 5\nkind: classification\nclassification: {labels: [a]}", "classification.labels"),
        ("domain: x\ncount: 5\nkind: classification\nclassification: {labels: [a, b], distribution: {c: 1}}",
         "classification.distribution.c"),
        ("domain: x\ncount: 5\nkind: classification\nclassification: {labels: [a, b], subjects: {c: x}}",
         "classification.subjects.c"),
        ("domain: x\ncount: 5\nkind: classification\nclassification: {labels: [a, b], subjects: {a: '(x'}}",
         "classification.subjects.a"),
        ("domain: x\ncount: 5\nkind: classification\nclassification: {labels: [a, b], forms: {a: '[x'}}",
         "classification.forms.a"),
        ("domain: x\ncount: 5\nkind: classification\nclassification: {labels: [a, b], forms: {c: x}}",
         "classification.forms.c"),
        ("domain: x\ncount: 5\nkind: extraction", "extraction.fields"),
        ("domain: x\ncount: 5\ncolour: blue", "colour"),
        ("domain: x\ncount: 5\nqa: {types: {factoid: -1}}", "qa.types.factoid"),
    ])
    func invalidFieldsAreNamed(text: String, field: String) {
        #expect {
            try TaskDefinition.parse(text, path: "task.yaml")
        } throws: { error in
            guard case let .invalidField(path, f, _) = error as? TaskError else { return false }
            return path == "task.yaml" && f == field
        }
    }

    @Test func syntaxErrorsAndMissingFilesNameTheFile() {
        #expect(throws: TaskError.self) { try TaskDefinition.parse("domain: [unclosed", path: "t.yaml") }
        #expect {
            try TaskDefinition.load(path: "/no/such/task.yaml")
        } throws: { error in
            guard case let .unreadable(path, _) = error as? TaskError else { return false }
            return path == "/no/such/task.yaml"
        }
    }

    @Test func quotasSumToTheTotalForManySplits() {
        for total in [1, 7, 50, 101] {
            let q = TaskDefinition.quotas(["a": 0.33, "b": 0.33, "c": 0.34, "d": 0.0], total: total)
            #expect(q.values.reduce(0, +) == total)
        }
    }
}
