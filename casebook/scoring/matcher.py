"""Key points as checkable claims: which clause of a reply conveys which key point, and how surely.

For every (key point, reply span) pair the matcher computes a few features —
  sim       cosine similarity of the multilingual-e5 embeddings (works across Chinese and English);
  csls      the similarity corrected for hubness (cross-domain similarity local scaling): generic
            sentences ("感谢您的反馈，我们会尽快处理") are close to every key point of every case, so the
            mean similarity of the span and of the point to their nearest neighbours in a background
            pool (the key points of the other cases) is subtracted;
  coverage  the share of the point's character bigrams present in the span, each bigram weighted by
            its rarity among all key points (IDF), so that 尽快/您/我们 count little and 报警 a lot;
  opposite  the span's polarity differs from the point's (不能水洗 vs 可以水洗);
  numbers   a duration, time or amount the point states is not stated anywhere in the reply;
and a logistic model over them (fitted on trainer-labelled point/sentence pairs of the tuning
split, `casebook scenario tune`) gives the probability that the point is conveyed.

A key point may come with labelled example wordings (`accept` / `reject` in the case file). They act
as labelled neighbours: sim, csls and coverage are taken against the point or whichever accepted
wording is closest to the span, and a further feature
  near_miss the span's similarity to the closest rejected wording minus its similarity to the
            closest accepted one (positive: the span is nearer a known near-miss than any good wording)
enters a second logistic model, fitted like the first, used for points that have examples. A span
whose nearest labelled neighbour is a rejected wording (`reject` or `opposite`) of the other polarity
than the point (可以水洗 for 不能水洗), and which shares that wording's polarity, says the opposite; so
does one whose nearest neighbour is a wording the authors marked `opposite`, when plainly close to it
(咨询量减少了 for 咨询量上升: no negator on either side).

Each clause of the reply may credit one key point, and one more for each thing it coordinates (公布抽奖规则和
开奖录屏 states two; at most three); keyword lists are the form checks' business (form.py), and quoted member
text earns nothing.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from . import semantic, text

FEATURES = ("sim", "csls", "coverage", "opposite", "numbers", "english")
#: The features of the model for key points with labelled example wordings.
FEATURES_EX = FEATURES + ("near_miss",)
#: The features of the contradiction model, for a (point, span) pair whose point is not conveyed: does the
#: span say the opposite, or merely leave the point out? Embeddings hardly see negation, so no single
#: feature decides; the authors' `opposite` wordings (labelled neighbours), the polarity of span, point
#: and nearest opposite wording, and the share of the point's (and of that wording's) rare bigrams the
#: span repeats are weighed by a logistic model fitted on contradictions a trainer labelled blind
#: (cases/scoring/contradictions-*.yml; `casebook scenario tune`).
CONTRA_FEATURES = ("sim", "opposite_sim", "opposite_margin", "reject_sim", "has_opposite", "coverage",
                   "polarity_flip", "opposite_polarity", "opposite_coverage", "prob", "length_ratio")
#: The features of the reversal model, for a point the matcher finds conveyed: is its span in fact the
#: point said the other way round ("HEPA滤芯用清水冲一冲还能用" for "HEPA滤芯不能水洗")? e5 ranks such a span
#: close to the point, so the matcher credits it. The span's CONTRA_FEATURES, the contradiction model's
#: probability for it, and that model's highest probability over the reply's spans; fitted on the
#: labelled contradictions of points the matcher credits (`casebook scenario tune`).
REVERSAL_FEATURES = tuple(f"span_{n}" for n in CONTRA_FEATURES) + ("span_contra_prob", "max_contra_prob")
#: A span contradicts a point when its polarity differs and it is plainly about the same thing: it
#: shares enough of the point's wording, is similar enough in meaning (both chosen on the tuning
#: split: rubric.Settings.contra_*), and is not much longer (a long clause can carry an unrelated negation).
CONTRA_COVERAGE = 0.5
CONTRA_SIM = 0.93
#: … or when the span's nearest labelled neighbour is a wording the authors marked `opposite`, at least
#: this similar (off at 1.01; chosen on the tuning split: rubric.Settings.contra_label_sim).
CONTRA_LABEL_SIM = 1.01
#: … and only when the model does not judge the span to convey the point with at least this probability:
#: a near-paraphrase of an accepted wording is not its opposite however close a rejected one sits
#: (rubric.Settings.contra_max_prob, tuned; 1.01 = no limit).
CONTRA_MAX_PROB = 1.01


@dataclass(frozen=True)
class MatchModel:
    """Logistic-regression weights over FEATURES (+ bias). Chosen by `casebook scenario tune`."""
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5

    def prob(self, x: np.ndarray) -> np.ndarray:
        z = x @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))


@dataclass
class Span:
    text: str
    clauses: frozenset[int]
    sentence: str


@dataclass
class PointMatch:
    point: str
    span: str | None
    sentence: str | None
    prob: float
    features: dict
    passed: bool
    near_miss: str | None = None   # the rejected wording the span is closest to, when nearer than any good one
    contra_prob: float = 0.0       # the contradiction model's probability that some span says the opposite …
    contra_span: str | None = None  # … and that span
    reversal_prob: float = 0.0     # the reversal model's probability that the span credited says the opposite
    anywhere: float = 0.0          # the highest probability over every span, credited to another point or not

    @property
    def contradicted(self) -> bool:
        return self.contradicts()

    def contradicts(self, sim: float = CONTRA_SIM, cover: float = CONTRA_COVERAGE,
                    label_sim: float = CONTRA_LABEL_SIM) -> bool:
        """The closest span says the opposite. For a point with labelled wordings: the span is nearer a
        rejected wording of the other polarity than the point than to any accepted one, at least `sim`
        close to it, and shares that wording's polarity (embeddings alone hardly see negation). For a
        point without: the span is plainly about the same thing (similar, sharing the point's wording,
        not much longer) and of the other polarity than the clause of the point it restates."""
        f = self.features
        if "near_miss" in f:  # the point has labelled wordings: they decide
            if self.span and self.near_miss and f.get("near_miss_opposite") and f.get("reject_sim", 0) >= label_sim:
                return True
            return bool(self.span and self.near_miss and f.get("near_miss_flip") and f.get("reject_sim", 0) >= sim
                        and asserts_negation(self.span) == text.negated(self.near_miss))
        if not (self.span and f.get("opposite") and f.get("coverage", 0) >= cover
                and f.get("sim", 0) >= sim and len(self.span) <= 1.6 * len(self.point)):
            return False
        parts = text.clauses(self.point) or [self.point]
        restated = max(parts, key=lambda c: coverage(c, self.span))
        return text.negated(restated) != asserts_negation(self.span)

    @property
    def reason(self) -> str:
        return self.explain()

    def near(self, near_miss_sim: float) -> bool:
        """The span is nearer a rejected wording than any good one, and plainly close to it."""
        return bool(self.near_miss) and self.features.get("reject_sim", 0.0) >= near_miss_sim

    def explain(self, near_miss_sim: float = 1.01) -> str:
        """Why the point is (not) conveyed, in words an agent understands; a rejected wording is named only
        when the span is at least `near_miss_sim` similar to it (a greeting is "nearest" to something too)."""
        if self.span is None:
            return "回复中没有可对应的句子"
        if self.contradicted:
            return "说法与要点相反"
        if self.features.get("numbers"):
            return "没有给出要点中的具体数字/时间"
        if not self.passed and self.near(near_miss_sim):
            return f"说法更像培训中列为不合格的「{self.near_miss}」"
        return "表达了该要点" if self.passed else "未充分表达该要点"


def spans_of(sentences: list[str]) -> list[Span]:
    """Candidate spans: each clause, adjacent clause pairs, and each whole sentence."""
    out: list[Span] = []
    index = 0
    for sentence in sentences:
        cl = text.clauses(sentence) or [sentence]
        ids = list(range(index, index + len(cl)))
        index += len(cl)
        seen = set()
        for i, c in enumerate(cl):
            out.append(Span(c, frozenset([ids[i]]), sentence))
            seen.add(c)
            if i + 1 < len(cl):
                pair = c + "，" + cl[i + 1]
                out.append(Span(pair, frozenset(ids[i:i + 2]), sentence))
        if len(cl) > 2 and sentence not in seen:
            out.append(Span(sentence, frozenset(ids), sentence))
    return out


coverage = semantic.coverage  # share of the point's character bigrams present in the span

#: A span that opens with a condition (要是还不行, 如果还没到账) supposes; it asserts nothing, so its
#: negation is not a polarity.
CONDITIONAL = re.compile(r"^[^，,。]{0,4}?(?:如果|要是|若是?|万一|假如|假设|一旦|if\b)", re.I)


#: A point that forbids or denies by a modal (不能替代, 不可以水洗, 不会要求) …
NEG_MODAL = r"(?:不能|不可以|不可|不会|不得|无法|不要|别|禁止|不允许)"
#: … said back with the positive modal on the same verb (完全可以替代): the point the other way round,
#: however similar the embeddings find the two.
POS_MODAL = r"(?:能|可以|可|会|能够|允许)"


def modal_flip(point: str, span: str) -> bool:
    """The span grants, with a positive modal, the very verb the point denies with a negative one
    (配方奶粉不能替代母乳 / 母乳不够的话完全可以替代); a negator just before the modal keeps the polarity."""
    for m in re.finditer(NEG_MODAL + r"([\u4e00-\u9fff]{2})", point):
        verb = re.escape(m.group(1))
        if re.search(NEG_MODAL + r"(?:再)?" + verb, span):
            continue   # the span denies it too (初效滤网可以水洗，HEPA滤芯不能水洗): a contrast, not a flip
        for n in re.finditer(r"(.{0,3})" + POS_MODAL + r"(?:完全|直接|随便|放心|也|都)?" + verb, span):
            before = span[:n.start(1) + len(n.group(1))]
            if not re.search(r"[不没别无非未]", n.group(1)) and not re.search(NEG_MODAL + "$", before):
                return True
    return False


def asserts_negation(span: str) -> bool:
    """The span says something is not so (text.negated), and does not merely suppose it."""
    return text.negated(span) and not CONDITIONAL.match(span or "")


class Background:
    """The hubness reference: key points of all cases, embedded once per scorer; and the rarity (IDF)
    of each character bigram among them."""

    def __init__(self, points_by_case: dict[str, list[str]], k: int = 10):
        self.k = k
        self.points_by_case = points_by_case
        self.all = list(dict.fromkeys(p for pts in points_by_case.values() for p in pts))
        df: dict[str, int] = {}
        for point in self.all:
            for g in semantic._grams(point):
                df[g] = df.get(g, 0) + 1
        n = len(self.all)
        self.idf = {g: math.log((n + 1) / (d + 1)) + 1.0 for g, d in df.items()}
        self.default_idf = math.log(n + 1) + 1.0
        self._weights: dict[str, dict[str, float]] = {}   # per point: its bigrams' IDF
        self._pools: dict[tuple[str, str], np.ndarray] = {}   # per (case, side): the other cases' vectors
        self._q = None
        self._p = None

    def coverage(self, point: str, span: str) -> float:
        """IDF-weighted share of the point's character bigrams present in the span."""
        weights = self._weights.get(point)
        if weights is None:
            weights = self._weights[point] = {x: self.idf.get(x, self.default_idf) for x in semantic._grams(point)}
        if not weights:
            return 0.0
        have = semantic._grams(span)
        return sum(w for x, w in weights.items() if x in have) / sum(weights.values())

    def _vectors(self):
        if self._q is None:
            self._q = semantic._embed(self.all, "query") if self.all else np.zeros((0, 384), np.float32)
            self._p = semantic._embed(self.all, "passage") if self.all else np.zeros((0, 384), np.float32)
        return self._q, self._p

    def _mask(self, case_id: str) -> np.ndarray:
        own = set(self.points_by_case.get(case_id, []))
        return np.array([p not in own for p in self.all], dtype=bool)

    def hubness(self, vectors: np.ndarray, case_id: str, side: str) -> np.ndarray:
        """Mean similarity of each vector to its k nearest background points (other cases only)."""
        pool = self._pools.get((case_id, side))
        if pool is None:
            q, p = self._vectors()
            pool = self._pools[(case_id, side)] = (q if side == "passage" else p)[self._mask(case_id)]
        if len(pool) == 0 or len(vectors) == 0:
            return np.zeros(len(vectors), np.float32)
        sims = vectors @ pool.T
        k = min(self.k, sims.shape[1])
        top = np.partition(sims, -k, axis=1)[:, -k:]
        return top.mean(axis=1)


@dataclass
class PairFeatures:
    """Features of every (point, span) pair, [points, spans, FEATURES_EX], and for each pair the closest
    rejected wording (index into `rejects`, -1 when the point has none)."""
    feats: np.ndarray
    rejects: list[str]
    nearest_reject: np.ndarray
    reject_sim: np.ndarray
    reject_flip: np.ndarray
    reject_opposite: np.ndarray   # 1 where the closest rejected wording is one the authors marked `opposite`
    contra: np.ndarray            # [points, spans, CONTRA_FEATURES] with "prob" left 0 (match() fills it)


def features(points: list[str], spans: list[Span], reply: str, case_id: str, background: Background,
             examples=None) -> PairFeatures:
    """Every pair's features. `examples` maps a point to an object with `accept`, `reject` and `opposite`
    wordings (the last: near-misses that state the opposite of the point)."""
    examples = examples or {}
    anchors: list[str] = []
    owner: list[int] = []
    rejects: list[str] = []
    r_owner: list[int] = []
    r_opposite: list[bool] = []
    for i, point in enumerate(points):
        ex = examples.get(point)
        for a in [point] + list(getattr(ex, "accept", []) or []):
            anchors.append(a)
            owner.append(i)
        for r in list(getattr(ex, "reject", []) or []):
            rejects.append(r)
            r_owner.append(i)
            r_opposite.append(False)
        for r in list(getattr(ex, "opposite", []) or []):
            rejects.append(r)
            r_owner.append(i)
            r_opposite.append(True)
    q = semantic._embed(anchors, "query")
    s = semantic._embed([sp.text for sp in spans], "passage")
    sims = q @ s.T                                        # [anchors, spans]
    r_a = background.hubness(q, case_id, "query")
    r_s = background.hubness(s, case_id, "passage")
    rsims = semantic._embed(rejects, "query") @ s.T if rejects else np.zeros((0, len(spans)), np.float32)
    english = 1.0 if text.language(reply) == "en" else 0.0
    feats = np.zeros((len(points), len(spans), len(FEATURES_EX)), np.float32)
    nearest = np.full((len(points), len(spans)), -1, dtype=int)
    rsim = np.zeros((len(points), len(spans)), np.float32)
    rflip = np.zeros((len(points), len(spans)), np.float32)
    ropp = np.zeros((len(points), len(spans)), np.float32)
    contra = np.zeros((len(points), len(spans), len(CONTRA_FEATURES)), np.float32)
    opp_rows = np.array(r_opposite, dtype=bool)
    owner_a = np.array(owner)
    owner_r = np.array(r_owner, dtype=int)
    span_neg = [asserts_negation(sp.text) for sp in spans]
    for i, point in enumerate(points):
        p_neg = text.negated(point)
        numbers = 1.0 if text.missing_quantities(point, reply) else 0.0
        rows = np.flatnonzero(owner_a == i)
        rrows = np.flatnonzero(owner_r == i) if len(owner_r) else np.zeros(0, dtype=int)
        for j, sp in enumerate(spans):
            k = rows[int(sims[rows, j].argmax())]
            sim = float(sims[k, j])
            cover = max(background.coverage(anchors[r], sp.text) for r in rows)
            near = 0.0
            if len(rrows):
                kr = rrows[int(rsims[rrows, j].argmax())]
                near = float(rsims[kr, j]) - sim
                nearest[i, j] = kr
                rsim[i, j] = rsims[kr, j]
                # the opposite: a rejected wording of the other polarity than the point; the authors'
                # `opposite` label is a second signal (contradicts, label_sim), not a replacement — alone
                # it did worse on the tuning split (README)
                rflip[i, j] = 1.0 if text.negated(rejects[kr]) != p_neg else 0.0
                ropp[i, j] = 1.0 if r_opposite[kr] else 0.0
            feats[i, j] = (sim, sim - (r_a[k] + r_s[j]) / 2, cover, 1.0 if p_neg != span_neg[j] else 0.0,
                           numbers, english, near)
            o_rows = rrows[opp_rows[rrows]] if len(rrows) else rrows
            r_rows = rrows[~opp_rows[rrows]] if len(rrows) else rrows
            o_sim = o_pol = o_cover = 0.0
            if len(o_rows):
                ko = o_rows[int(rsims[o_rows, j].argmax())]
                o_sim = float(rsims[ko, j])
                o_pol = 1.0 if text.negated(rejects[ko]) == span_neg[j] else 0.0
                o_cover = semantic.coverage(rejects[ko], sp.text)
            contra[i, j] = (sim, o_sim, o_sim - sim if len(o_rows) else 0.0,
                            float(rsims[r_rows, j].max()) if len(r_rows) else 0.0, 1.0 if len(o_rows) else 0.0,
                            cover, feats[i, j, 3], o_pol, o_cover, 0.0,
                            math.log(max(1, len(sp.text)) / max(1, len(point))))
    return PairFeatures(feats, rejects, nearest, rsim, rflip, ropp, contra)


def pair_probabilities(points: list[str], spans: list[Span], reply: str, case_id: str, background: Background,
                       model: MatchModel, examples=None, model_examples: MatchModel | None = None
                       ) -> tuple[PairFeatures, np.ndarray]:
    """Every (point, span) pair's features and probability that the span conveys the point (points with
    example wordings judged by `model_examples` when given); the contradiction features get that
    probability too."""
    examples = examples or {}
    pf = features(points, spans, reply, case_id, background, examples)
    probs = np.zeros((len(points), len(spans)))
    for i, point in enumerate(points):
        if model_examples is not None and point in examples:
            probs[i] = model_examples.prob(pf.feats[i])
        else:
            probs[i] = model.prob(pf.feats[i, :, :len(FEATURES)])
    pf.contra[:, :, CONTRA_FEATURES.index("prob")] = probs
    return pf, probs


#: Words that join two things said in one clause (公布抽奖规则和开奖录屏, 别扫码、别转账): each lets the clause state
#: one more point.
COORDINATOR = re.compile(r"和|及|与|、|并且|并|还有|以及|同时|\band\b|\bas well as\b", re.I)
MAX_POINTS_PER_CLAUSE = 3


def clause_capacity(clause: str) -> int:
    """How many key points one clause can state: one, and one more per coordinator in it (at most three)."""
    return min(MAX_POINTS_PER_CLAUSE, 1 + len(COORDINATOR.findall(clause)))


def assign(spans: list[Span], probs: np.ndarray, threshold: float) -> dict[int, int]:
    """Each point's span (point index → span index), each clause crediting at most as many points as it
    states (`clause_capacity`: one, more where it coordinates several things): pairs taken from the most
    probable down; a point below the threshold consumes no clause (the points without one are not
    conveyed)."""
    order = sorted(((probs[i, j], i, j) for i in range(probs.shape[0]) for j in range(len(spans))), reverse=True)
    left = {next(iter(sp.clauses)): clause_capacity(sp.text) for sp in spans if len(sp.clauses) == 1}

    def free(k: int) -> bool:
        return all(left.get(c, 1) > 0 for c in spans[k].clauses)

    chosen: dict[int, int] = {}
    for prob, i, j in order:
        if i in chosen or not free(j):
            continue
        if prob < threshold and len(chosen) < probs.shape[0]:
            # below the bar: keep the best remaining span for evidence, but do not consume clauses
            continue
        if prob >= threshold:
            # credit the point to the smallest part of the span that conveys it on its own, so that a
            # clause pair does not use up a clause another point needs
            inner = [k for k in range(len(spans)) if spans[k].clauses < spans[j].clauses
                     and free(k) and probs[i, k] >= threshold]
            if inner:
                j = min(inner, key=lambda k: (len(spans[k].clauses), -probs[i, k]))
        chosen[i] = j
        for c in spans[j].clauses:
            left[c] = left.get(c, 1) - 1
    return chosen


def reversal_features(contra: np.ndarray, contra_probs: np.ndarray, j: int) -> np.ndarray:
    """REVERSAL_FEATURES of a point credited to span j: `contra` and `contra_probs` are the point's
    CONTRA_FEATURES and contradiction probabilities for every span of the reply."""
    return np.concatenate([contra[j], [contra_probs[j], contra_probs.max()]]).astype(np.float32)


def match(points: list[str], sentences: list[str], reply: str, case_id: str, background: Background,
          model: MatchModel, examples=None, model_examples: MatchModel | None = None,
          contra_model: MatchModel | None = None, reversal_model: MatchModel | None = None) -> list[PointMatch]:
    """Each key point's span (each clause crediting at most `clause_capacity` points) and whether it is conveyed. Points with
    example wordings are judged by `model_examples` (over FEATURES_EX) when it is given; with
    `contra_model`, how likely some span says a point's opposite; with `reversal_model` too, how likely the
    span credited with a point says its opposite."""
    if not points:
        return []
    spans = spans_of(sentences)
    if not spans:
        return [PointMatch(p, None, None, 0.0, {}, False) for p in points]
    examples = examples or {}
    pf, probs = pair_probabilities(points, spans, reply, case_id, background, model, examples, model_examples)
    feats = pf.feats
    contra_probs = (np.stack([contra_model.prob(pf.contra[i]) for i in range(len(points))])
                    if contra_model is not None else np.zeros_like(probs))
    threshold = model.threshold
    chosen = assign(spans, probs, threshold)
    out = []
    for i, point in enumerate(points):
        j = chosen.get(i)
        if j is None:  # best span for the record (evidence), even if used or below the bar …
            j = int(probs[i].argmax())
            # … unless a span is nearer a rejected wording of the other polarity than to any good one
            flips = np.flatnonzero((pf.reject_flip[i] > 0) & (feats[i, :, len(FEATURES)] > 0))
            if len(flips):
                j = int(flips[pf.reject_sim[i, flips].argmax()])
            passed = False
        else:
            passed = bool(probs[i, j] >= threshold)
        names = FEATURES_EX if point in examples else FEATURES
        f = dict(zip(names, (float(v) for v in feats[i, j])))
        near = None
        if pf.nearest_reject[i, j] >= 0:
            f["reject_sim"] = float(pf.reject_sim[i, j])
            f["near_miss_flip"] = float(pf.reject_flip[i, j])
            f["near_miss_opposite"] = float(pf.reject_opposite[i, j])
            if f["near_miss"] > 0:
                near = pf.rejects[pf.nearest_reject[i, j]]
        jc = int(contra_probs[i].argmax())
        reversal = (float(reversal_model.prob(reversal_features(pf.contra[i], contra_probs[i], j)))
                    if passed and reversal_model is not None and contra_model is not None else 0.0)
        out.append(PointMatch(point, spans[j].text, spans[j].sentence, float(probs[i, j]), f, passed, near,
                              float(contra_probs[i, jc]), spans[jc].text, reversal, float(probs[i].max())))
    return out


class PointMatcher:
    """The key-point matcher as one service (a background, a fitted model and the contradiction
    thresholds), shared by the scenario scorer and by short answers in the question bank."""

    def __init__(self, background: Background, model: MatchModel, contra_sim: float = CONTRA_SIM,
                 contra_coverage: float = CONTRA_COVERAGE, model_examples: MatchModel | None = None,
                 contra_label_sim: float = CONTRA_LABEL_SIM, contra_max_prob: float = CONTRA_MAX_PROB,
                 contra_model: MatchModel | None = None, reversal_model: MatchModel | None = None):
        self.background = background
        self.contra_model = contra_model
        self.reversal_model = reversal_model
        self.model = model
        self.model_examples = model_examples
        self.contra_sim = contra_sim
        self.contra_coverage = contra_coverage
        self.contra_label_sim = contra_label_sim
        self.contra_max_prob = contra_max_prob

    def match(self, points: list[str], sentences: list[str], reply: str, context: str = "",
              examples=None) -> list[PointMatch]:
        """Each point against the clauses of the given sentences (`context`: the case or question the
        points belong to, whose own points are left out of the hubness reference; `examples`: the
        points' labelled wordings, by point)."""
        return match(list(points), sentences, reply, context, self.background, self.model, examples,
                     self.model_examples, self.contra_model, self.reversal_model)

    def match_text(self, points: list[str], reply: str, context: str = "", examples=None) -> list[PointMatch]:
        """Each point against the sentences of a free text."""
        return self.match(points, text.sentences(reply), reply, context, examples)

    def verdict(self, m: PointMatch) -> tuple[bool, bool]:
        """(conveyed, contradicted): a point is conveyed when the model passes it and the reply does
        not say its opposite: its closest span is plainly its opposite (`PointMatch.contradicts`), or — with
        a contradiction model — the point is not conveyed and some span says its opposite with at least the
        model's threshold probability (`contra_span`), or — with a reversal model — the span the matcher
        credits is the point said the other way round (`reversed`)."""
        contradicted = self._says_opposite(m) or self.reversed(m) or (m.passed and modal_flip(m.point, m.span or ""))
        return m.passed and not contradicted, contradicted or self.learned_contradiction(m)

    def reversed(self, m: PointMatch) -> bool:
        """The reversal model finds the span credited with the point, the point said the other way round."""
        return self.reversal_model is not None and m.passed and m.reversal_prob >= self.reversal_model.threshold

    def _says_opposite(self, m: PointMatch) -> bool:
        """The rule-based check: the point's closest span is plainly its opposite."""
        return m.prob < self.contra_max_prob and m.contradicts(self.contra_sim, self.contra_coverage,
                                                                self.contra_label_sim)

    def learned_contradiction(self, m: PointMatch) -> bool:
        """The contradiction model (and not the rule-based check) finds the point, not conveyed, said the
        other way round; its words are `m.contra_span`."""
        return (self.contra_model is not None and not m.passed and m.contra_prob >= self.contra_model.threshold
                and not self._says_opposite(m))


def background_for(project) -> Background:
    """The hubness reference of a project: every scenario's key points and the rubric's example sentences
    (so that even a one-case project has one)."""
    points = {cid: [p for s in loc.obj.scenario.steps for p in s.expect.key_points]
              for cid, loc in project.cases.items() if loc.obj.scenario is not None}
    rubric = project.rubric.obj if project.rubric is not None else None
    if rubric is not None:
        points["(rubric)"] = [t for spec in rubric.critical.values() for t in list(spec.examples) + list(spec.safe)]
    return Background(points)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method with an L2 penalty (standardised inside, weights returned raw)."""
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    z = (x - mu) / sd
    a = np.hstack([z, np.ones((len(z), 1))])
    w = np.zeros(a.shape[1])
    reg = np.eye(a.shape[1]) * l2
    reg[-1, -1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(a @ w)))
        grad = a.T @ (p - y) + reg @ w
        hess = a.T @ (a * (p * (1 - p))[:, None]) + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = w[:-1] / sd
    bias = float(w[-1] - (w[:-1] * mu / sd).sum())
    return weights, bias


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())


