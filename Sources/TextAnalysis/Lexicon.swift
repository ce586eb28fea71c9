/// Fixed English word lists the checks rely on: function words, number words, units, negation cues, month
/// names and question words. All entries are lower-case matching keys (see ``WordToken/key``).
public enum Lexicon {
    /// Function words and question words: never content terms.
    public static let stopwords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "that", "this", "these",
        "those", "there", "here", "of", "in", "on", "at", "to", "for", "from", "by", "with", "about", "as", "into",
        "onto", "upon", "over", "under", "after", "before", "during", "between", "through", "within", "without",
        "against", "among", "around", "across", "along", "behind", "beyond", "toward", "towards", "per", "via",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "doing", "have",
        "has", "had", "having", "will", "would", "shall", "should", "can", "could", "may", "might", "must",
        "it", "its", "it's", "he", "him", "his", "she", "her", "hers", "they", "them", "their", "theirs", "we",
        "us", "our", "you", "your", "i", "me", "my", "one's", "who", "whom", "whose", "which", "what", "when",
        "where", "why", "how", "whatever", "whichever", "also", "too", "very", "just", "only", "even", "still",
        "such", "some", "any", "each", "every", "all", "both", "either", "other", "another", "more", "most",
        "much", "many", "own", "same", "s", "'s", "etc", "e.g", "i.e", "up", "out", "off", "down", "again",
        "further", "once", "name", "named", "called", "type", "kind", "term", "according", "something",
        "someone", "thing", "things", "way", "ways", "while", "because", "since", "until", "although", "though",
        "whether", "not", "no", "never",
    ]

    /// Articles, ignored when matching an answer as a span of the context (SQuAD normalisation).
    public static let articles: Set<String> = ["a", "an", "the"]

    /// Cardinal number words and their digit keys.
    public static let cardinals: [String: String] = [
        "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
        "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13",
        "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
        "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60",
        "seventy": "70", "eighty": "80", "ninety": "90", "dozen": "12",
    ]

    /// Ordinal number words and their digit keys ("nineteenth" and "19th" match).
    public static let ordinals: [String: String] = [
        "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th", "sixth": "6th",
        "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th", "eleventh": "11th",
        "twelfth": "12th", "thirteenth": "13th", "fourteenth": "14th", "fifteenth": "15th",
        "sixteenth": "16th", "seventeenth": "17th", "eighteenth": "18th", "nineteenth": "19th",
        "twentieth": "20th", "twenty-first": "21st",
    ]

    /// Scale words: a number followed by one is a different quantity ("3 million" is not "3").
    public static let scales: Set<String> = ["hundred", "thousand", "million", "billion", "trillion"]

    /// Units and their canonical names; a unit after a number in an answer must appear in its support.
    public static let units: [String: String] = [
        "%": "percent", "percent": "percent", "percentage": "percent",
        "km": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
        "m": "m", "metre": "m", "metres": "m", "meter": "m", "meters": "m",
        "cm": "cm", "centimetre": "cm", "centimetres": "cm", "centimeter": "cm", "centimeters": "cm",
        "mm": "mm", "millimetre": "mm", "millimetres": "mm", "millimeter": "mm", "millimeters": "mm",
        "mi": "mile", "mile": "mile", "miles": "mile", "ft": "foot", "foot": "foot", "feet": "foot",
        "inch": "inch", "inches": "inch", "kg": "kg", "kilogram": "kg", "kilograms": "kg",
        "gram": "g", "grams": "g", "lb": "pound", "lbs": "pound", "pounds": "pound",
        "tonne": "tonne", "tonnes": "tonne", "ton": "tonne", "tons": "tonne",
        "°": "degree", "degree": "degree", "degrees": "degree", "°c": "celsius", "celsius": "celsius",
        "fahrenheit": "fahrenheit", "kelvin": "kelvin",
        "$": "dollar", "dollar": "dollar", "dollars": "dollar", "usd": "dollar", "€": "euro", "euro": "euro",
        "euros": "euro", "£": "pound sterling", "sq": "square", "square": "square", "ha": "hectare",
        "hectare": "hectare", "hectares": "hectare", "acre": "acre", "acres": "acre",
        "second": "second", "seconds": "second", "minute": "minute", "minutes": "minute", "hour": "hour",
        "hours": "hour", "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
        "months": "month", "year": "year", "years": "year", "decade": "decade", "decades": "decade",
        "century": "century", "centuries": "century", "mph": "mph", "kmh": "km/h", "mw": "mw", "gw": "gw",
        "kw": "kw", "watt": "watt", "watts": "watt", "volt": "volt", "volts": "volt",
    ]

    /// Words that negate the clause they stand in (`n't` is split off by the tokenizer and becomes `not`).
    public static let negationCues: Set<String> = [
        "not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor", "without", "cannot",
        "hardly", "barely", "scarcely", "unable", "lack", "lacks", "lacked", "lacking", "fail", "fails",
        "failed",
    ]

    /// Month names (dates), lower-case.
    public static let months: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    /// Phrases in a question that ask for a number: the answer must then hold a number or a quantity word.
    public static let quantityQuestionPhrases: [[String]] = [
        ["how", "many"], ["how", "old"], ["what", "year"], ["which", "year"], ["what", "years"],
        ["what", "percentage"], ["what", "percent"], ["what", "century"], ["which", "century"], ["what", "decade"],
        ["which", "decade"], ["what", "age"],
    ]

    /// Words that answer a quantity question without digits ("twice", "several", "many times").
    public static let quantityWords: Set<String> = [
        "once", "twice", "thrice", "half", "several", "few", "many", "multiple", "numerous", "dozens",
        "hundreds", "thousands", "millions", "billions", "none", "no", "zero", "all", "most", "majority",
        "minority", "some", "countless", "hundred", "thousand", "million", "billion", "trillion",
    ]

    /// Words that make an answer a time expression ("after the war", "the 19th century", "in May").
    public static let temporalWords: Set<String> = [
        "year", "years", "century", "centuries", "decade", "decades", "day", "days", "week", "weeks", "month",
        "months", "hour", "hours", "minute", "minutes", "second", "seconds", "after", "before", "during", "since",
        "until", "ago", "age", "ages", "era", "period", "time", "times", "season", "seasons", "war", "reign",
        "early", "late", "mid", "dynasty", "today", "now", "then", "recently", "soon", "later", "earlier",
        "spring", "summer", "autumn", "fall", "winter", "morning", "evening", "night", "annually", "yearly",
        "daily", "weekly", "monthly", "bc", "ad", "bce", "ce", "when", "once", "first", "last", "end",
        "beginning", "start", "middle", "half", "quarter", "olympics", "renaissance", "independence", "death",
        "birth", "life", "lifetime", "childhood", "youth", "retirement",
    ]

    /// Words that make a date of a number in an answer ("the 19th century", "1960s decade").
    public static let dateUnits: Set<String> = ["century", "centuries", "decade", "decades", "bc", "ad", "bce", "ce"]

    /// Words that may sit around a date in a date answer ("early 1990s", "circa 1200").
    public static let dateModifiers: Set<String> = [
        "early", "late", "mid", "middle", "circa", "c", "ca", "approximately", "around", "about", "roughly",
        "year", "years", "month", "day", "end", "beginning", "start", "half", "spring", "summer", "autumn",
        "fall", "winter", "s",
    ]

    /// Words in a question that name a time, so that a date can answer it.
    public static let dateQuestionCues: Set<String> = [
        "when", "year", "years", "date", "dates", "dated", "century", "centuries", "decade", "decades", "era",
        "period", "periods", "time", "times", "age", "ages", "month", "months", "day", "days", "season",
        "seasons", "until", "since", "long", "old", "timeframe", "timeline", "span", "duration", "number",
        "anniversary", "birthday", "dating",
    ]

    /// Question words; the first one in a question decides what type of answer it expects.
    public static let questionWords: Set<String> = ["what", "which", "who", "whom", "whose", "where", "when", "why", "how"]
}
