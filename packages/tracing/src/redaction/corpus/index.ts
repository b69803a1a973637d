// The redaction corpus and the spans that carry it, for any engine's leak tests.
export { benignCorpus, leakCorpus, leakNeedles, type BenignCase, type LeakCase, type LeakPlace } from "./corpus";
export { recordBenign, recordLeak, resourceOf } from "./spans";
