import Generation
import Grounding
import LanguageModels
import Testing

@Suite struct PromptLeakageTests {
    let system = "You create en training data for this domain: support. Use only facts stated in the numbered context passages."

    @Test func fiveWordsOfThePromptAreLeakageUnlessThePassageHasThemToo() {
        let leaked = PromptLeakage.check(text: "Please use only facts stated in the manual.", instructions: [system], passages: ["x"])
        #expect(!leaked.passed && leaked.name == "prompt_leak" && leaked.reason.contains("facts stated in"))
        // Four shared words are not a run; and words the passage has are the text's own.
        #expect(PromptLeakage.check(text: "Use only facts from it.", instructions: [system], passages: ["x"]).passed)
        #expect(PromptLeakage.check(text: "Use only facts stated in the numbered lists.", instructions: [system],
                                    passages: ["Use only facts stated in the numbered lists."]).passed)
    }

    @Test func aTextNamingItsLabelOrAFieldDescriptionIsRejected() {
        let named = PromptLeakage.check(text: "Bug report: pg_dump crashes.", instructions: [], passages: ["pg_dump dumps."],
                                        labelName: "bug_report")
        #expect(!named.passed && named.name == "label_named")
        #expect(PromptLeakage.check(text: "pg_dump crashes on big tables.", instructions: [], passages: ["pg_dump dumps."],
                                    labelName: "bug_report").passed)
        // The example: a field value that is the field's own description.
        let described = PromptLeakage.check(text: "work_mem\ncontrols what it controls, in a few words", instructions: [],
                                            passages: ["work_mem sets memory."], descriptions: ["what it controls, in a few words"])
        #expect(!described.passed && described.reason.contains("field description"))
    }

    @Test func aTextCopyingASeedExampleIsRejectedUnlessThePassageSaysItToo() {
        let seed = "How do I make pg_dump skip one schema when I back up the whole database?"
        let copied = PromptLeakage.check(text: "How do I make pg_dump skip one schema in a backup?", instructions: [],
                                         passages: ["pg_dump dumps a database."], seedExamples: [seed])
        #expect(!copied.passed && copied.name == "seed_copy" && copied.reason.contains("how do i make pg"))
        #expect(PromptLeakage.check(text: "How do I dump only one table with pg_dump?", instructions: [],
                                    passages: ["pg_dump dumps a database."], seedExamples: [seed]).passed)
        #expect(PromptLeakage.check(text: "Why does -N make pg_dump skip one schema?", instructions: [],
                                    passages: ["You can make pg_dump skip one schema with -N."], seedExamples: [seed]).passed)
    }

    @Test func aFieldValueWithNoWordBeyondItsDescriptionIsRejected() {
        let fields = [ExtractionField(name: "setting", description: "the configuration parameter or command named"),
                      ExtractionField(name: "purpose", description: "what it controls, in a few words", copied: false)]
        // The example: "control" for "what it controls".
        let echo = PromptLeakage.descriptionEcho(values: ["setting": "savepoints", "purpose": "control"], fields: fields)
        #expect(echo?.passed == false && echo?.reason.contains("purpose") == true)
        #expect(PromptLeakage.descriptionEcho(values: ["setting": "the commands", "purpose": "sort memory"], fields: fields) != nil)
        #expect(PromptLeakage.descriptionEcho(values: ["setting": "work_mem", "purpose": "controls sort memory"],
                                              fields: fields) == nil)
        // Numbers and enum values are not phrases the writer could echo.
        let counted = [ExtractionField(name: "n", description: "the number", type: .number)]
        #expect(PromptLeakage.descriptionEcho(values: ["n": .number(3)], fields: counted) == nil)
    }
}
