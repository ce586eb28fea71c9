import Dataset
import Foundation
import Generation
import Grounding
import LanguageModels
import RAGTestSupport
import Store
import Testing

/// Extraction tasks: typed fields in the task file, the span rule, and round-trip re-extraction, with a
/// SCRIPTED writer and reader (`ScriptedLanguageModel`, fakes named as such) over a real SQLite database of the
/// shipped sample corpus. The real-model hand read is in README, "Extraction".
@Suite struct ExtractionTests {
    @Test func fieldsAreTypedAndKeepTheFilesOrder() throws {
        let task = try TaskDefinition.parse("""
            domain: PostgreSQL configuration
            kind: extraction
            count: 2
            extraction:
              fields:
                setting: "the configuration parameter named"
                port: {description: "the port number", type: number}
                unit: {description: "the unit", type: enum, values: [kB, MB]}
                tools: {description: "the programs named", type: list}
                purpose: {description: "what it controls", span: false}
                effect: {description: "what it changes", question: "What does {setting} change on port {port}?"}
            """)
        #expect(task.fields.map(\.name) == ["setting", "port", "unit", "tools", "purpose", "effect"])
        #expect(task.fields.map(\.type) == [.string, .number, .enum, .list, .string, .string])
        #expect(task.fields.map(\.copied) == [true, true, false, true, false, true])
        #expect(task.fields[2].values == ["kB", "MB"])
        #expect(task.fields[5].questionReferences == ["setting", "port"])
    }

    @Test func aFieldsQuestionIsAskedWithTheOtherFieldsWrittenValues() throws {
        let task = try TaskDefinition.parse("""
            domain: PostgreSQL configuration
            kind: extraction
            count: 1
            extraction:
              fields:
                setting: "the configuration parameter named"
                purpose: {description: "what it controls, in a few words", question: "What does {setting} control?"}
            """)
        let values: [String: JSONValue] = ["setting": "work_mem", "purpose": "the memory of a sort"]
        #expect(FieldRoundTrip.question(for: task.fields[1], values: values) == "What does work_mem control?")
        // Without a question of its own, a field asks for its description.
        #expect(FieldRoundTrip.question(for: task.fields[0], values: values) == "What is the configuration parameter named?")
    }

    /// The manual's own text (routine-vacuuming.html): ANALYZE gathers the statistics; generating good plans is
    /// the planner's job. Stop 32 kept "generate good plans for queries" as what ANALYZE does.
    static let analyzeText = "The PostgreSQL query planner relies on statistical information about the contents of tables "
        + "in order to generate good plans for queries. These statistics are gathered by the ANALYZE command, which can be "
        + "invoked by itself or as an optional step in VACUUM."

    @Test func aFieldWhoseQuestionNamesAnotherIsAskedAgainAndMustAgree() async throws {
        let task = try TaskDefinition.parse("""
            domain: PostgreSQL administration
            kind: extraction
            count: 1
            extraction:
              fields:
                setting: "the configuration parameter or command named"
                purpose: {description: "what it controls, in a few words", question: "What does {setting} control or do?"}
            """)
        // A SCRIPTED reader: it re-extracts what it is given to agree with, takes every value for its field, and
        // answers the field's question with the words the text says of ANALYZE.
        func reader(extracting purpose: String) -> ScriptedLanguageModel {
            ScriptedLanguageModel(name: "reader") { _, request in
                let prompt = request.messages.last?.content ?? ""
                if prompt.hasPrefix("Text:") { return "{\"setting\": \"ANALYZE\", \"purpose\": \"\(purpose)\"}" }
                if prompt.contains("Proposed answer:") { return "Yes" }
                return "{\"answer\": \"statistics are gathered\"}"
            }
        }
        func check(_ purpose: String) async throws -> (CheckOutcome, ScriptedLanguageModel) {
            let model = reader(extracting: purpose)
            let roundTrip = FieldRoundTrip(extractor: LanguageModelVerifier(model: model), fields: task.fields,
                                           configuration: SupportChecker.Configuration(), verifier: LanguageModelVerifier(model: model))
            return (try await roundTrip.check(text: Self.analyzeText, values: ["setting": "ANALYZE", "purpose": .string(purpose)]), model)
        }
        let (wrong, asked) = try await check("generate good plans for queries")
        #expect(!wrong.passed && wrong.name == "extraction_question")
        #expect(wrong.reason.contains("asked \"What does ANALYZE control or do?\", the reader answered \"statistics are gathered\""),
                "\(wrong.reason)")
        // The reader answered from the text and the question alone: the written purpose was not in its prompt.
        let question = try #require(asked.received.map { $0.messages.last?.content ?? "" }.first { $0.contains("shortest phrase") })
        #expect(question.contains(Self.analyzeText) && !question.contains("Proposed answer"))
        let (right, _) = try await check("statistics are gathered by the ANALYZE command")
        #expect(right.passed && right.name == "extraction_round_trip", "\(right.reason)")
    }

    @Test func anExtractionTextIsAStatementNamingACandidateItsSubjectFirst() throws {
        let fields = [ExtractionField(name: "setting", description: "the command named",
                                      candidates: #"\b(?:VACUUM|ANALYZE)\b"#),
                      ExtractionField(name: "purpose", description: "what it does")]
        // Sentences of the manual (routine-vacuuming.html).
        let text = "The autovacuum daemon does not issue ANALYZE commands for foreign tables, since it has no means of "
            + "determining how often that might be useful. The PostgreSQL query planner relies on statistical information "
            + "about the contents of tables in order to generate good plans for queries. The standard form of VACUUM removes "
            + "dead row versions in tables and indexes and marks the space available for future reuse."
        let texts = FocusSelection.extractionTexts(in: text, fields: fields).map { String(Array(text)[$0]) }
        #expect(texts.count == 2, "\(texts)")
        #expect(texts.first?.hasPrefix("The standard form of VACUUM removes") == true, "\(texts)")
        #expect(texts.last?.hasPrefix("The autovacuum daemon") == true, "\(texts)")
        // Without a candidates pattern every statement is a text, in the passage's order.
        #expect(FocusSelection.extractionTexts(in: text, fields: [fields[1]]).count == 3)
    }

    @Test func aPatternIsMatchedByTheWholeValue() throws {
        let task = try TaskDefinition.parse("""
            domain: PostgreSQL configuration
            kind: extraction
            count: 1
            extraction:
              fields:
                setting: {description: "the parameter or command named", pattern: "^[a-z][a-z0-9_]*|[A-Z]+( [A-Z]+)*$"}
                tools: {description: "the programs named", type: list, pattern: "pg_[a-z]+"}
            """)
        let setting = task.fields[0]
        #expect(setting.pattern == "[a-z][a-z0-9_]*|[A-Z]+( [A-Z]+)*")
        for name in ["work_mem", "VACUUM", "ALTER TABLE"] { #expect(setting.matchesPattern(name), "\(name)") }
        // The whole value must match, so the alternatives are anchored together, not one at each end.
        for phrase in ["BRIN indexes", "work_mem controls memory", "use VACUUM"] { #expect(!setting.matchesPattern(phrase), "\(phrase)") }
        #expect(setting.anchoredPattern == "^([a-z][a-z0-9_]*|[A-Z]+( [A-Z]+)*)$")

        let formed = GenerationPipeline.fieldForm(values: ["setting": "VACUUM", "tools": ["pg_dump", "pg_restore"]], fields: task.fields, text: "VACUUM and pg_dump, pg_restore")
        #expect(formed.passed, "\(formed.reason)")
        let misformed = GenerationPipeline.fieldForm(values: ["setting": "BRIN indexes", "tools": ["pg_dump", "psql"]], fields: task.fields, text: "VACUUM and pg_dump, pg_restore")
        #expect(!misformed.passed)
        #expect(misformed.reason.contains("setting \"BRIN indexes\"") && misformed.reason.contains("tools \"psql\""), "\(misformed.reason)")
    }

    @Test func aCopiedValueThatPointsOutsideItselfIsRejected() throws {
        let fields = [ExtractionField(name: "purpose", description: "what it does, in a few words"),
                      ExtractionField(name: "note", description: "a remark", copied: false)]
        let pointing = GenerationPipeline.fieldForm(values: ["purpose": "perform this backup procedure"], fields: fields, text: "")
        #expect(!pointing.passed && pointing.reason.contains("\"this\""), "\(pointing.reason)")
        #expect(!GenerationPipeline.fieldForm(values: ["purpose": "apply the latter to all tables"], fields: fields, text: "").passed)
        // "such as" gives examples; "that" after its own referent is not a pointer; a value the writer words
        // itself is not a copied span.
        for purpose in ["reclaim storage held by dead rows", "sort types such as text and numeric",
                        "how old an XID value has to be before rows bearing that XID will be frozen"] {
            #expect(GenerationPipeline.fieldForm(values: ["purpose": .string(purpose)], fields: fields, text: "").passed, "\(purpose)")
        }
        #expect(GenerationPipeline.fieldForm(values: ["purpose": "reclaim storage", "note": "see this"], fields: fields, text: "").passed)
    }

    /// Stop 32's run kept `VACUUM` / "VACUUM reclaims storage occupied by dead tuples" and `ALTER INDEX` / "Turning
    /// fastupdate off via ALTER INDEX prevents …": a purpose that holds the setting its question asks about is the
    /// sentence, not the answer.
    @Test func aValueThatRepeatsWhatItsQuestionAsksAboutIsRejected() throws {
        let fields = [ExtractionField(name: "setting", description: "the parameter or command named"),
                      ExtractionField(name: "purpose", description: "what it controls", question: "What does {setting} control or do?")]
        let text = "VACUUM reclaims storage occupied by dead tuples."
        let whole = GenerationPipeline.fieldForm(values: ["setting": "VACUUM", "purpose": "VACUUM reclaims storage occupied by dead tuples"],
                                                 fields: fields, text: text)
        #expect(!whole.passed && whole.reason.contains("repeats setting \"VACUUM\""), "\(whole.reason)")
        #expect(GenerationPipeline.fieldForm(values: ["setting": "VACUUM", "purpose": "reclaims storage occupied by dead tuples"],
                                             fields: fields, text: text).passed)
        // A longer name that holds the setting is another word ("VACUUM FULL" is not "VACUUM"), and a name inside a
        // word is not the name ("vacuuming").
        #expect(GenerationPipeline.fieldForm(values: ["setting": "VACUUM FULL", "purpose": "avoid needing VACUUM"], fields: fields, text: "").passed)
        #expect(GenerationPipeline.fieldForm(values: ["setting": "VACUUM", "purpose": "skip index vacuuming"], fields: fields, text: "").passed)
        #expect(!GenerationPipeline.fieldForm(values: ["setting": "-j", "purpose": "use -j to restore in parallel"], fields: fields, text: "").passed)
    }

    @Test func aFieldsCandidatesAreFoundInTheTextAndAValueMustBeOne() throws {
        let task = try TaskDefinition.parse(#"""
            domain: PostgreSQL configuration
            kind: extraction
            count: 1
            extraction:
              fields:
                setting: {description: "the parameter named", candidates: '\b[a-z]+(?:_[a-z0-9]+)+\b'}
                purpose: "what it controls"
            """#)
        let setting = task.fields.first { $0.name == "setting" }!
        let text = "vacuum_freeze_min_age controls how old an XID value has to be; see also vacuum_freeze_table_age and vacuum_freeze_min_age."
        #expect(setting.candidates(in: text) == ["vacuum_freeze_min_age", "vacuum_freeze_table_age"])
        #expect(setting.candidates(in: "VACUUM reclaims storage occupied by dead tuples.").isEmpty)
        let fields = task.fields
        #expect(GenerationPipeline.fieldForm(values: ["setting": "vacuum_freeze_min_age", "purpose": "how old"], fields: fields, text: text).passed)
        // Case and surrounding spaces are not the value; a word of the text that is no candidate is not one.
        #expect(GenerationPipeline.fieldForm(values: ["setting": " Vacuum_Freeze_Min_Age", "purpose": "how old"], fields: fields, text: text).passed)
        let invented = GenerationPipeline.fieldForm(values: ["setting": "XID", "purpose": "how old"], fields: fields, text: text)
        #expect(!invented.passed)
        #expect(invented.reason.contains(#"setting "XID" is none of the text's candidates ("vacuum_freeze_min_age", "vacuum_freeze_table_age")"#),
                "\(invented.reason)")
        // A field without candidates takes any value.
        #expect(task.fields.first { $0.name == "purpose" }!.isCandidate("anything", in: text))
    }

    @Test func onlyStatementsNamingACandidateAreGivenAndTheWriterIsToldThem() async throws {
        // SCRIPTED writer: as the value it gives the first candidate its prompt lists on even calls, and the first
        // two words of passage [1] (no candidate) on odd ones.
        let listed = try NSRegularExpression(pattern: #"must be one of these, as passage \[1\] names it: "([^"]+)""#)
        let writer = ScriptedLanguageModel { call, request in
            let prompt = request.messages.last?.content ?? ""
            let match = listed.firstMatch(in: prompt, range: NSRange(prompt.startIndex..., in: prompt))
            let candidate = match.flatMap { Range($0.range(at: 1), in: prompt) }.map { String(prompt[$0]) } ?? "none"
            let line = prompt.components(separatedBy: "\n").first { $0.contains(candidate) && match != nil && !$0.contains("must be one") } ?? ""
            let words = line.split(separator: " ").prefix(2).joined(separator: " ")
            let body: [String: Any] = ["fields": ["opening": call % 2 == 0 ? candidate : words, "kind": line.count > 60 ? "long" : "short"]]
            return String(decoding: try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
        }
        let (kept, drafted) = try await Self.run(
            writer: writer, reader: Self.reader(), count: 5,
            opening: #"{description: "the first two words of the text", candidates: '\bvacuum_[a-z_]+\b'}"#, sourcesPerSample: 6,
            rounds: 2)
        // A source whose candidates are all in code or lists offers no statement: it costs no model call.
        let rejected = drafted.filter { $0.rejectionReason != GenerationPipeline.noFocusStatement }
        #expect(writer.received.count >= 2)
        let prompts = writer.received.map { $0.messages.last?.content ?? "" }
        // The writer's schema holds the field to the candidates its text names (a server that ignores schemas is
        // still caught by the form check below: odd calls break it).
        for request in writer.received {
            let allowed = request.jsonSchema?["properties"]?["fields"]?["properties"]?["opening"]?["enum"]?.arrayValue ?? []
            #expect(!allowed.isEmpty && allowed.allSatisfy { $0.stringValue?.hasPrefix("vacuum_") == true }, "\(allowed)")
        }
        for sample in kept + rejected {
            let passage = sample.context.first?.text ?? ""
            #expect(passage.range(of: #"\bvacuum_[a-z_]+\b"#, options: .regularExpression) != nil, "\(passage.prefix(300))")
            // The text is one statement of the passage that names a candidate; the writer saw it, not the passage.
            let text = sample.text ?? ""
            #expect(passage.contains(text) && text.count < passage.count, "\(text)")
            #expect(text.range(of: #"\bvacuum_[a-z_]+\b"#, options: .regularExpression) != nil, "\(text)")
            #expect(prompts.contains { $0.contains(text) && !$0.contains(passage) })
            // A listed candidate passes the form check; the first two words of its line do not.
            let form = try #require(sample.checks.first { $0.name == "field_form" })
            let value = sample.fields["fields"]?["opening"]?.stringValue ?? ""
            let isCandidate = value.range(of: #"^vacuum_[a-z_]+$"#, options: .regularExpression) != nil
            #expect(form.passed == isCandidate, "\(value): \(form.reason)")
            if !form.passed { #expect(form.reason.contains("is none of the text's candidates"), "\(form.reason)") }
        }
        #expect(rejected.contains { $0.rejectionReason == "field_form" })
        #expect(kept.count + rejected.count == writer.received.count)
        // A refinement round gives the next statement of its source; none is given twice, and a source whose
        // statements were all tried moves on without a call.
        let given = (kept + rejected).map { "\($0.sourceChunkIDs) \($0.text ?? "")" }
        #expect(Set(given).count == given.count)
        #expect((kept + rejected).contains { $0.round > 0 }, "\((kept + rejected).map { "\($0.round) \($0.rejectionReason ?? "kept")" })")
        let spent = drafted.filter { $0.checks.first?.reason.hasSuffix("were tried in earlier rounds") == true }
        for sample in spent {
            #expect(sample.round == (kept + rejected).filter { $0.sourceChunkIDs == sample.sourceChunkIDs }.count)
        }
    }

    /// A candidates pattern that no passage matches ends the run at once, saying so, with no model call.
    @Test func candidatesNoPassageHasEndTheRunSayingWhy() async throws {
        let dir = TemporaryDirectory()
        let db = try ScriptedPipelineTests.database(dir)
        let task = try Self.task(count: 2, opening: #"{description: "the first two words", candidates: '\bzq_never_\d+\b'}"#)
        let writer = ScriptedLanguageModel { _, r in Self.reply(r) }
        let pipeline = GenerationPipeline(
            task: task, retriever: db.retriever, model: JournaledModel(base: writer, journal: StoreJournal(store: db.retriever.store)),
            filter: nil)
        let (kept, _, report) = try await pipeline.run(databasePath: db.path)
        #expect(kept.isEmpty && writer.received.isEmpty)
        #expect(report.shortfall?.hasPrefix("no usable chunk has what extraction needs") == true, "\(report.shortfall ?? "")")
    }

    @Test func badFieldsNameTheFieldAndTheProblem() {
        let cases: [(String, String)] = [
            ("a: {description: x, type: date}", "extraction.fields.a.type"),
            ("a: {description: x, type: enum, values: [one]}", "extraction.fields.a.values"),
            ("a: {description: x, type: enum, values: [one, two], span: true}", "extraction.fields.a.span"),
            ("a: {type: string}", "extraction.fields.a.description"),
            ("a: {description: x, colour: red}", "extraction.fields.a.colour"),
            ("a: [x]", "extraction.fields.a"),
            ("a: {description: x, question: \"What is {b}?\"}", "extraction.fields.a.question"),
            ("a: {description: x, question: \"What is {a}?\"}", "extraction.fields.a.question"),
            ("a: {description: x, pattern: \"[a-z\"}", "extraction.fields.a.pattern"),
            ("a: {description: x, type: number, pattern: \"[0-9]+\"}", "extraction.fields.a.pattern"),
            ("a: {description: x, candidates: \"(x\"}", "extraction.fields.a.candidates"),
            ("a: {description: x, type: enum, values: [b, c], candidates: \"b\"}", "extraction.fields.a.candidates"),
        ]
        for (fields, name) in cases {
            let text = "domain: d\nkind: extraction\ncount: 1\nextraction:\n  fields:\n    \(fields)\n"
            #expect(throws: TaskError.self, "\(fields)") { try TaskDefinition.parse(text, path: "t.yaml") }
            do {
                _ = try TaskDefinition.parse(text, path: "t.yaml")
            } catch {
                #expect("\(error)".contains("t.yaml") && "\(error)".contains("'\(name)'"), "\(error)")
            }
        }
    }

    static func task(count: Int, opening: String = "\"the first two words of the text\"") throws -> TaskDefinition {
        try TaskDefinition.parse("""
            domain: "PostgreSQL 15 administration"
            kind: extraction
            count: \(count)
            seed: 4
            extraction:
              fields:
                opening: \(opening)
                kind: {description: "whether the text is long or short", type: enum, values: [long, short]}
            """)
    }

    /// The writer's reply: passage [1] as text, its first two words, and its kind.
    static func reply(_ request: CompletionRequest, opening: ((String) -> String)? = nil) -> String {
        let text = ScriptedLanguageModel.passage(1, in: request) ?? ""
        let first = text.split(separator: " ").prefix(2).joined(separator: " ")
        let body: [String: Any] = [
            "text": text, "evidence": text,
            "fields": ["opening": opening?(first) ?? first, "kind": text.count > 60 ? "long" : "short"],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A SCRIPTED reader that re-extracts as the writer did, or says `opening` for every text when given; asked
    /// whether a value is what its field asks for, it says `fits`.
    static func reader(opening: String? = nil, fits: String = "Yes") -> ScriptedLanguageModel {
        ScriptedLanguageModel(name: "reader") { _, request in
            let prompt = request.messages.last?.content ?? ""
            if prompt.hasPrefix("Passage:") { return fits }
            let text = String(prompt.dropFirst("Text: ".count).prefix { $0 != "\n" })
            let first = text.split(separator: " ").prefix(2).joined(separator: " ")
            let body = ["opening": opening ?? first, "kind": text.count > 60 ? "long" : "short"]
            return String(decoding: try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    struct ExtractionOnlyFilter: SampleFilter {
        let roundTrip: FieldRoundTrip
        func check(_ sample: GeneratedSample) async throws -> [CheckOutcome] {
            [try await roundTrip.check(text: sample.text ?? "", values: sample.fields["fields"]?.objectValue ?? [:])]
        }
    }

    static func run(writer: ScriptedLanguageModel, reader: ScriptedLanguageModel, count: Int,
                    opening: String = "\"the first two words of the text\"", sourcesPerSample: Int = 1, rounds: Int = 0)
        async throws -> (kept: [GeneratedSample], rejected: [GeneratedSample])
    {
        let dir = TemporaryDirectory()
        let db = try ScriptedPipelineTests.database(dir)
        let task = try task(count: count, opening: opening)
        var options = GenerationOptions()
        options.sourcesPerSample = sourcesPerSample
        options.maxRounds = rounds
        let filter = ExtractionOnlyFilter(roundTrip: FieldRoundTrip(
            extractor: LanguageModelVerifier(model: reader), fields: task.fields, configuration: SupportChecker.Configuration(),
            verifier: LanguageModelVerifier(model: reader)))
        let pipeline = GenerationPipeline(
            task: task, retriever: db.retriever, model: JournaledModel(base: writer, journal: StoreJournal(store: db.retriever.store)),
            filter: filter, options: options)
        let (kept, rejected, _) = try await pipeline.run(databasePath: db.path)
        return (kept, rejected)
    }

    @Test func aSampleTheReaderReExtractsAlikeIsKeptWithTypedFields() async throws {
        let reader = Self.reader()
        let (kept, rejected) = try await Self.run(writer: ScriptedLanguageModel { _, r in Self.reply(r) }, reader: reader, count: 3)
        #expect(kept.count == 3 && rejected.isEmpty)
        // One re-extraction a sample, and one fit question for its one copied phrase field (not the enum).
        #expect(reader.received.count == 6)
        for sample in kept {
            let check = try #require(sample.checks.first { $0.name == "extraction_round_trip" })
            #expect(check.passed && check.score == 1)
            #expect(["long", "short"].contains(sample.fields["fields"]?["kind"]?.stringValue ?? ""))
            // The reader never saw the values: its prompt has the text and the fields' descriptions only.
            let values = sample.fields["fields"]?.objectValue ?? [:]
            let prompt = reader.received.map { $0.messages.last?.content ?? "" }.first { $0.contains(sample.text ?? "\u{0}") }
            #expect(prompt?.contains("the first two words of the text") == true)
            #expect(prompt?.contains("one of: long, short") == true)
            #expect(values["opening"] != nil)
        }
    }

    @Test func aValueBothModelsAgreeOnButThatIsNotWhatTheFieldAsksForIsRejected() async throws {
        let reader = Self.reader(fits: "No")
        let (kept, rejected) = try await Self.run(writer: ScriptedLanguageModel { _, r in Self.reply(r) }, reader: reader, count: 1)
        #expect(kept.isEmpty && !rejected.isEmpty)
        let failed = try #require(rejected.first?.checks.first { !$0.passed })
        #expect(failed.name == "extraction_field_fit")
        #expect(failed.reason.hasPrefix("opening: the reader does not take"), "\(failed.reason)")
        // The question it was asked: the field's description as a question, the value as the proposed answer.
        let asked = reader.received.map { $0.messages.last?.content ?? "" }.first { $0.hasPrefix("Passage:") }
        #expect(asked?.contains("Question: What is the first two words of the text?") == true, "\(asked ?? "")")
    }

    @Test func aValueTheReaderReadsOtherwiseIsRejectedWithBothValues() async throws {
        let reader = Self.reader(opening: "Nothing like it")
        let (kept, rejected) = try await Self.run(writer: ScriptedLanguageModel { _, r in Self.reply(r) }, reader: reader, count: 2)
        #expect(kept.isEmpty && rejected.count == 2)
        for sample in rejected {
            let failed = try #require(sample.checks.first { !$0.passed })
            #expect(failed.name == "extraction_round_trip")
            #expect(failed.reason.contains("opening: the reader read \"Nothing like it\""), "\(failed.reason)")
        }
    }

    @Test func aValueNotInTheTextOrMissingIsRejectedBeforeTheReader() async throws {
        let reader = Self.reader()
        // Even calls: a value the text does not have; odd calls: an empty value.
        let writer = ScriptedLanguageModel { call, request in
            Self.reply(request) { first in call % 2 == 0 ? "Invented words" : "" }
        }
        let (kept, rejected) = try await Self.run(writer: writer, reader: reader, count: 2)
        #expect(kept.isEmpty && reader.received.isEmpty)
        let reasons = rejected.compactMap(\.rejectionReason)
        #expect(Set(reasons) == ["field_spans", "format"], "\(reasons)")
        let spans = try #require(rejected.first { $0.rejectionReason == "field_spans" }?.checks.first { !$0.passed })
        #expect(spans.reason.contains("opening \"Invented words\""), "\(spans.reason)")
    }

    @Test func aValueNotOfItsFieldsPatternIsRejectedBeforeTheReader() async throws {
        let reader = Self.reader()
        // The opening words of a passage are never a number, which this field's pattern asks for.
        let writer = ScriptedLanguageModel { _, r in Self.reply(r) }
        let (kept, rejected) = try await Self.run(
            writer: writer, reader: reader, count: 1,
            opening: "{description: \"the first two words of the text\", pattern: \"[0-9]+\"}")
        #expect(kept.isEmpty && !rejected.isEmpty && reader.received.isEmpty)
        for sample in rejected {
            let failed = try #require(sample.checks.first { !$0.passed })
            #expect(failed.name == "field_form" && failed.reason.contains("is not of the form [0-9]+"), "\(failed.reason)")
        }
        // The pattern is checked, not decoded to: the writer's schema leaves it out (see `ExtractionField.pattern`).
        let schema = try #require(writer.received.first?.jsonSchema)
        #expect(schema["properties"]?["fields"]?["properties"]?["opening"]?["type"]?.stringValue == "string")
        #expect(schema["properties"]?["fields"]?["properties"]?["opening"]?["pattern"] == nil)
    }

    @Test func aValueThatRepeatsItsFieldDescriptionIsRejected() async throws {
        let reader = Self.reader()
        let writer = ScriptedLanguageModel { _, request in
            Self.reply(request) { _ in "the first two words of the text" }
        }
        let (kept, rejected) = try await Self.run(writer: writer, reader: reader, count: 1)
        #expect(kept.isEmpty && reader.received.isEmpty)
        #expect(rejected.contains { $0.checks.contains { $0.name == "prompt_leak" && !$0.passed } })
    }
}
