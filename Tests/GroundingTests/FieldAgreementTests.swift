import Dataset
import Grounding
import LanguageModels
import Testing

/// How a reader's re-extracted field value is compared with the value a sample was written with.
@Suite struct FieldAgreementTests {
    let configuration = SupportChecker.Configuration()

    @Test func stringsAgreeAsRoundTripAnswersDo() {
        let field = ExtractionField(name: "setting", description: "the configuration parameter named")
        let same = FieldAgreement.compare(field, written: "work_mem", read: "work_mem", configuration: configuration)
        #expect(same.agrees && same.score == 1)
        let other = FieldAgreement.compare(field, written: "work_mem", read: "shared_buffers", configuration: configuration)
        #expect(!other.agrees && other.score == 0)
        // The reader found nothing: an empty string never agrees.
        #expect(!FieldAgreement.compare(field, written: "work_mem", read: "", configuration: configuration).agrees)
        #expect(!FieldAgreement.compare(field, written: "work_mem", read: nil, configuration: configuration).agrees)
        // A long value needs a token F1 of at least one half with the reader's.
        let long = "the amount of memory used by internal sort operations before writing to temporary disk files"
        #expect(FieldAgreement.compare(field, written: .string(long), read: "memory used by internal sort operations",
                                       configuration: configuration).agrees)
        #expect(!FieldAgreement.compare(field, written: .string(long), read: "the number of concurrent connections",
                                        configuration: configuration).agrees)
    }

    @Test func numbersAndEnumValuesMustBeEqual() {
        let number = ExtractionField(name: "port", description: "the port", type: .number)
        #expect(FieldAgreement.compare(number, written: 5432, read: .number(5432.0), configuration: configuration).agrees)
        #expect(!FieldAgreement.compare(number, written: 5432, read: 5433, configuration: configuration).agrees)
        #expect(!FieldAgreement.compare(number, written: 5432, read: "5432", configuration: configuration).agrees)
        let unit = ExtractionField(name: "unit", description: "the unit", type: .enum, values: ["kB", "MB"])
        #expect(!unit.copied, "an enum value is chosen, not copied")
        #expect(FieldAgreement.compare(unit, written: "MB", read: "mb", configuration: configuration).agrees)
        #expect(!FieldAgreement.compare(unit, written: "MB", read: "kB", configuration: configuration).agrees)
    }

    @Test func listsAgreeByItemF1() {
        let field = ExtractionField(name: "tools", description: "the programs named", type: .list)
        let written: JSONValue = ["Oslo", "Bergen", "Tromsø"]
        #expect(FieldAgreement.compare(field, written: written, read: ["Tromsø", "Oslo", "Bergen"],
                                       configuration: configuration).score == 1)
        // Two of three found, nothing extra: F1 0.8.
        let partial = FieldAgreement.compare(field, written: written, read: ["Oslo", "Tromsø"], configuration: configuration)
        #expect(partial.agrees && abs(partial.score - 0.8) < 1e-9)
        #expect(!FieldAgreement.compare(field, written: written, read: ["Stavanger", "Bodø"], configuration: configuration).agrees)
        #expect(!FieldAgreement.compare(field, written: written, read: .array([]), configuration: configuration).agrees)
    }

    @Test func aTextStatesANumberInDigits() {
        #expect(FieldAgreement.states(5432, in: "The server listens on port 5432."))
        #expect(FieldAgreement.states(1200, in: "It holds 1,200 rows."))
        #expect(FieldAgreement.states(2.5, in: "about 2.5 seconds"))
        #expect(FieldAgreement.states(-3, in: "a value of -3 turns it off"))
        #expect(!FieldAgreement.states(543, in: "The server listens on port 5432."))
        #expect(!FieldAgreement.states(8, in: "eight workers"))
    }

    @Test func filledValuesAreTypedAndNonEmpty() {
        let list = ExtractionField(name: "l", description: "d", type: .list)
        #expect(list.isFilled(["a"]) && !list.isFilled([]) && !list.isFilled([""]) && !list.isFilled("a"))
        let number = ExtractionField(name: "n", description: "d", type: .number)
        #expect(number.isFilled(3) && !number.isFilled("3") && !number.isFilled(nil))
        let choice = ExtractionField(name: "e", description: "d", type: .enum, values: ["x", "y"])
        #expect(choice.isFilled("x") && !choice.isFilled("z"))
    }
}
