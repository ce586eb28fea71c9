import Foundation

/// The text clean-up and pre-tokenisation of the BERT uncased tokenizer (Hugging Face `BertNormalizer` with
/// `clean_text`, `handle_chinese_chars`, `strip_accents` and `lowercase` all on, then `BertPreTokenizer`).
///
/// The order of the steps decides exactness and follows the reference tokenizer:
/// 1. drop U+0000, U+FFFD and control/format characters (categories C*) except tab, CR and LF;
///    any whitespace becomes a space;
/// 2. put spaces around CJK ideographs (kana and hangul are not ideographs and stay attached);
/// 3. strip accents: canonical decomposition (NFD), then drop non-spacing marks (Mn);
/// 4. lower-case scalar by scalar with the full, context-free mapping (no final-sigma rule: ΟΔΟΣ → οδοσ);
/// 5. split on whitespace, and around every punctuation character (ASCII punctuation, which includes
///    `$ + < = > ^ \` | ~`, or any Unicode P* category), punctuation becoming words of its own.
enum BertNormalizer {
    /// Applies steps 1-4.
    static func normalize(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        var isASCII = true
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                if value >= 0x20 && value != 0x7F {
                    cleaned.append(scalar)
                } else if value == 0x09 || value == 0x0A || value == 0x0D {
                    cleaned.append(" ")
                }  // other C0 controls and DEL are dropped
                continue
            }
            isASCII = false
            if value == 0xFFFD || isControl(scalar) { continue }
            if scalar.properties.isWhitespace {
                cleaned.append(" ")
            } else if isCJKIdeograph(value) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var result = String.UnicodeScalarView()
        if isASCII {
            for scalar in cleaned { result.append(lowercasedASCII(scalar)) }
            return String(result)
        }
        let decomposed = String(cleaned).decomposedStringWithCanonicalMapping
        for scalar in decomposed.unicodeScalars {
            if scalar.value < 0x80 {
                result.append(lowercasedASCII(scalar))
            } else if scalar.properties.generalCategory != .nonspacingMark {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(result)
    }

    /// Step 5: splits normalised text into words, each an array of scalars.
    static func preTokenize(_ normalized: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in normalized.unicodeScalars {
            if scalar == " " || scalar.properties.isWhitespace {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
            } else if isPunctuation(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Control and format characters (Cc, Cf, Cn, Co, Cs), except tab, LF and CR which count as whitespace.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// ASCII punctuation (all non-alphanumeric printable ASCII) or any Unicode punctuation category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value)
            || (123...126).contains(value)
        {
            return true
        }
        if value < 0x80 { return false }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks and their extensions and compatibility blocks, as in the original
    /// BERT tokenizer. Hiragana, katakana and hangul are deliberately not included.
    static func isCJKIdeograph(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2A6DF).contains(value) || (0x2A700...0x2B73F).contains(value)
            || (0x2B740...0x2B81F).contains(value) || (0x2B820...0x2CEAF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x2F800...0x2FA1F).contains(value)
    }

    @inline(__always)
    private static func lowercasedASCII(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        return (65...90).contains(value) ? Unicode.Scalar(UInt8(value + 32)) : scalar
    }
}
