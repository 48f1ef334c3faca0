"""What a goal measures, as a phrase that is the same in a plan and in the summary that reports on it.

A plan writes 新建幼儿园3所 and 普惠率达到90%; its year-end summary writes 建成公办幼儿园3所 and
学前教育普惠性幼儿园覆盖率达到91%.  Plan → result tracking compares goals across documents, so
`metric_name` turns a goal span into the noun phrase of what is measured (SCHEMA section 2,
`metric`): the span without its number, unit, comparator, commitment cues and fillers, ended by
the head its unit calls for (新增学位数, 教师培训人次, …占比, …投入), with achievement verbs moved
behind their object (完成X → X完成, 获评X → X获评), an elliptical item (、55所 / 同比增长7.8%)
completed from the clause before it, and the national statistical indicators written one way
(学前教育普惠率, 普惠性幼儿园学位占比 → 普惠性幼儿园覆盖率; 九年义务教育巩固率 → 义务教育巩固率).

These are general rules of how bureau documents phrase targets, written by reading part of the
training gold (`bench/metrics.py` scores them on documents that were not read).  `overlap_f` is
the one measure of how alike two metric phrases are: `kg eval` scores metrics with it and the
tracker (kg.graph.tracking) links goals with `metric_similarity`, which is built on it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from kg.zh import fold_width
from kg.zh.dates import PLAN, find_dates
from kg.zh.lexicon import SCHOOL_HEADS, STAGE_HEADS, UNIQUE_SCHOOLS, WORDS_AFTER_XUE
from kg.zh.numbers import Quantity, find_quantities

_CLAUSE_END = "，,；;：:。！？!?"
_LIST_SEP = "、"
_SPACE = re.compile(r"\s+")
_OPEN, _CLOSE = "（(“‘《「【", "）)”’》」】"
_QUOTES = dict.fromkeys(map(ord, "“”‘’\"'《》「」"))

# Left out where they lead a phrase: commitment cues, adverbs of manner and time, referring regions.
_LEAD = re.compile(
    r"^(?:力争|确保|争取|努力|力求|计划|预计|拟|将|要|并|且|同时|其中|也|还|又|再|另|共计|合计|共|累计|总计|"
    r"全年|今年|年内|当年|已经|已|均|都|全部|顺利|圆满|全面|成功|高质量|高分高位|高水平|率先|先后|全力|"
    r"进一步|继续|持续|切实|扎实|稳步|积极|大力|正式|分别|各(?!级|类)|全[省市区县州旗]|本[省市区县]|我[省市区县]|"
    r"其中包括|包括|新区|实现了?(?=[^，,]{0,3}(?:全覆盖|覆盖))|在(?=全[省市国区县])|"
    r"“?十[一二三四五六七八九]五”?(?:期间|以来|时期)|[近过]?(?:去)?[两三五十]年来)+")
_FILLER = re.compile(r"(?<=[\u4e00-\u9fff])了(?!解)|分别|均已|(?<![生平人年])均(?![衡值])|都|全部|各项|所有|依法|迅速|常年|"
                     r"顺利|圆满|全面(?=实现|完成|消除|覆盖|建成|落实|推开|设立|达标)")
# Comparators and verbs that join a metric to its number (…达到90%, …增至, …稳定在).
_JOIN = re.compile(
    r"(?:均|要|将|都|也|在|保持|稳定|维持|有|约|大约|再|常年|迅速|"
    r"累计达到|均达到|达到|达|不少于|不低于|不小于|至少|最少|提高到|提升到|提高至|提升至|增加到|增至|延长至|延长到|"
    r"突破|超过|超|逾|多于|高于|大于|近|不到|不足|少于|低于|不超过|不高于|控制在|以内|为|占到|达至|≥|≤|>|<|＞|＜)+$")
_AFTER_CMP = re.compile(r"\s*(?:以上|以下|以内|左右|及以上)")
# The base a share is of, written between its comparator and 的 and its number: 不低于[总经费]的30%.
SHARE_BASE = r"[^\d，,；;。的]{1,30}"
# …经费不低于总经费的30% → …经费占总经费(比例).
_SHARE_OF = re.compile(rf"(?:不少于|不低于|不小于|不超过|不高于)({SHARE_BASE})的$")
# A change from a baseline: 由1.44亿元提高到…, 从85.64%提升至…
_FROM = re.compile(r"(?:由|从)(?!业|事)[^，,]*$")
# A change said of what the item before measured: 同比增长7.8%, 比上年提高3个百分点
_ONLY_CHANGE = re.compile(r"^(?:同口径|同比|环比)?(?:比上年|较上年)?(?:增长|提高|提升|下降|降低|增加|减少|高出|超过|"
                          r"高于|低于)$")
_CHANGE = re.compile(r"(增长|提高|提升|下降|降低|增加|减少|高出|高于|超过|低于)")
_VS_BASE = re.compile(r"(?:同口径|同比去年|同比上年)?(?<!同)(?:比|较)(?:上年|去年|上一年|上年度|上年底|[^，,增提下降减高超低]{0,12})"
                      r"(?=增长|提高|提升|下降|降低|增加|减少|高出|高于|超过|低于)")
_ENUMERATION = re.compile(r"[^，,；;。、]+(?:、[^，,；;。、]+)+等(?=[^等，,]{2,}$)")  # 洪恩、禾光等公办幼儿园 → 公办幼儿园
_ENUMERATION_END = re.compile(r"[^，,；;。、]+(?:、[^，,；;。、]+)*等$")
_ASIDE = re.compile(r"[（(][^（()）]{6,}[)）]")  # an explanation in brackets: (公办幼儿园和…的比例)

# How a count is named by its unit: 人 counts people (…人数), 人次 visits, 元 money.
_HEAD_BY_UNIT = {"人": "人数", "名": "人数", "位": "人数", "人次": "人次", "次": "次数", "场": "场次",
                 "元": "", "%": "", "个百分点": "幅度", "小时": "时长", "分钟": "时长", "课时": "课时数",
                 "学时": "学时数", "平方米": "面积", "亩": "面积", "米": "长度", "倍": "倍数", "年": "", "枚": "数"}
_ENDS_AS_HEAD = re.compile(r"(?:数|率|量|比例|占比|比重|人次|时间|时长|面积|年限|规模|满意度|指数|幅度|"
                           r"投入|经费|资金|拨款|投资|预算|支出|金额|收入|基金)$")
_MONEY = re.compile(r"经费|资金|投入|投资|拨款|预算|支出|金额|基金|捐赠|收入|补助")
# The verb that says what is counted (新建 vs 改扩建 vs 招聘…): two metrics with different ones differ.
_ACTION = re.compile(r"^(?:规划建设|新建|改扩建|改建|扩建|新改扩建|迁建|续建|建成|建设|新增|增加|补充|招聘|培训|培养|评选|"
                     r"创建|组建|认定|遴选|发展|录取|引进|交流|选派|投入)")
_SAME_ACTION = ({"新增", "增加", "补充"}, {"新建", "建成", "建设"})
# Verbs put behind their object in a non-numeric metric, with the form they take there.
_INVERT = (
    (r"成功创建|争创|创建成?|创成", "创建"), (r"(?:高分高位|高水平|顺利)?通过了?", "通过"),
    (r"被评为|评为|获评|荣获", "获评"), (r"被授予|授予|获得|获", "获得"), (r"入选", "入选"),
    (r"被确定为|确定为|被认定为|认定为", "认定"), (r"被命名为|命名为", "命名"),
    (r"(?:全面|圆满)?完成", "完成"), (r"编制完成", "编制完成"), (r"建成", "建成"), (r"建设", "建设"),
    (r"建立", "建立"), (r"设立", "设立"), (r"成立", "成立"), (r"升级", "升级"), (r"引进", "引进"),
    (r"配齐配强|配齐|配备|配强", "配备"), (r"改扩建", "改扩建"), (r"新建", "新建"), (r"迁建", "迁建"),
    (r"(?:全面|基本|彻底)?消除", "消除"), (r"统一", "统一"), (r"落实", "落实"),
)
_INVERT_RE = re.compile("^(?:" + "|".join(f"(?P<v{i}>{p})" for i, (p, _) in enumerate(_INVERT)) + ")了?")
# Milestones a project reaches, each written one way (a plan's 交付 is the summary's 建成投用); written
# alone (…计划2026年3月完工) they take their subject from before.
_MILESTONES = ((r"建成并投入使用|建成投用|建成使用|投入使用|交付使用|正式投用|投用|启用|交付", "投用"),
               (r"开工建设|开工|动工", "开工"), (r"完工|竣工", "完工"))
_MILESTONE = re.compile("|".join(f"(?P<m{i}>{p})" for i, (p, _) in enumerate(_MILESTONES)))


def _milestone(m: re.Match) -> str:
    return next(form for i, (_, form) in enumerate(_MILESTONES) if m[f"m{i}"])


_COVERAGE = re.compile(r"(?:实现)?(?:全覆盖|全面覆盖到?|覆盖到?|覆盖面)")
_TREND = re.compile(r"(?:继续)?(?:保持|位居|位于|处于|居于?|走在|名列|进入|奋进)?(?P<scope>全国|全省|全市|全区|全县|全州|"
                    r"全盟|全旗|大市|省内|市内)?(?:领先|前列|前茅|第一方阵|第一梯队)$")
_RANK_VERBS = re.compile(r"(?:[均都]?(?:位居|位列|名列|居于?|排名|排在|排|进入|保持|获得|获|达到|在))+$")
_RANK_WRITTEN = re.compile(r"前\s*\d+|第\s*[\d一二三四五六七八九十]+|冠军|金奖")  # a rank stated earlier in the clause
_SCOPE = re.compile(r"(?P<scope>全国|全省|全市|全区|全县|全州|全盟|全旗|大市|珠三角城市|[^，,]{1,10}中|同类学校)$")
_CANONICAL = (
    # The statistical indicators of preschool, compulsory and senior-secondary education, one name each.
    (re.compile(r"^.*?(?:学前(?:教育)?(?:三年)?|3[-—–~至]6(?:周)?岁(?:幼儿|儿童)?|3[-—–~至]5周岁学前儿童)"
                r"(?:幼儿)?毛?入园率$"), "学前三年毛入园率"),
    (re.compile(r"^(?:九年)?(?:义务教育)?(?:阶段)?巩固率$"), "义务教育巩固率"),
    (re.compile(r"^高中阶段(?:教育)?毛?入学率$"), "高中阶段毛入学率"),
    (re.compile(r"^(?:学前教育)?(?:普惠率|普惠性幼儿园(?:覆盖率|学位占比|在园幼儿占比)|普惠性学位占比|"
                r"(?:在)?公办和普惠(?:性)?(?:幼儿)?园(?:就读)?(?:在园)?幼儿占比|普惠性资源覆盖率)$"),
     "普惠性幼儿园覆盖率"),
    (re.compile(r"^公办(?:幼儿)?园?(?:在园)?幼儿(?:占比|比例|比重)$"), "公办园在园幼儿占比"),
    (re.compile(r"^.*?(?:零辍学|辍学(?:人数|学生数)?|控辍保学(?:动态)?清零)$"), "义务教育辍学人数"),
)
_PLACES = re.compile(r"^(?:新增|增加|补充|提供|新建|建成|扩充|扩大)(?P<what>.*?)学位(?:数)?$")
_LEVELS = (("学前教育", r"学前|幼儿园"), ("小学", r"^小学$"), ("初中", r"^初中$"), ("高中", r"高中"),
           ("义务教育", r"^(?:公办)?义务教育(?:公办)?$"), ("特殊教育", r"特殊教育|特教"))
_TRAIL = re.compile(r"(?:的?目标|(?<!的)工作|的|等|要求)$")


def _clean(phrase: str) -> str:
    """A phrase without spaces, leading cues, fillers and a trailing 工作/目标."""
    phrase = _SPACE.sub("", phrase)
    for _ in range(3):
        before = phrase
        phrase = _LEAD.sub("", phrase)
        phrase = _FILLER.sub("", phrase)
        phrase = _TRAIL.sub("", phrase) if len(phrase) > 2 else phrase
        phrase = phrase.strip("、，,的")
        if phrase == before:
            break
    return phrase


def _without_dates(text: str) -> str:
    """The text without the dates written in it (a five-year plan's name, “十四五”规划, stays)."""
    out, at = [], 0
    for d in find_dates(text):
        if d.kind == PLAN:
            continue
        out.append(text[at:d.start])
        at = d.end
        while at < len(text) and text[at] in "底末内前起初":
            at += 1
    out.append(text[at:])
    return "".join(out)


def _clause_start(text: str, pos: int, stops: str = _CLAUSE_END) -> int:
    """Where the clause holding `pos` begins (outside brackets, which a clause never cuts)."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        ch = text[i]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN and depth:
            depth -= 1
        elif ch in stops and not depth:
            return i + 1
    return 0


def _has_words(piece: str) -> bool:
    """Whether a clause or list item names something besides its number (、55所 does not)."""
    rest = piece
    for q in reversed(find_quantities(piece)):
        rest = rest[:q.start] + rest[q.end:]
    rest = _JOIN.sub("", _clean(_AFTER_CMP.sub("", rest)))
    return bool(_clean(rest))


def _previous_metric(text: str, start: int, depth: int) -> str:
    """The metric of the nearest clause or list item before `start` in the same sentence that names
    something: what an elliptical item (、55所, 同比增长7.8%) measures."""
    if depth <= 0:
        return ""
    pos = start
    for _ in range(12):
        end = pos
        while end > 0 and (text[end - 1] in _CLAUSE_END + _LIST_SEP or text[end - 1].isspace()):
            if text[end - 1] in "。！？!?;；":
                return ""
            end -= 1
        begin = _clause_start(text, end, _CLAUSE_END + _LIST_SEP)
        if end <= begin:
            return ""
        if _has_words(text[begin:end]) and not re.match(r"\s*(?:比|较|与)", text[begin:end]):
            quantities = [replace(q, start=q.start + begin, end=q.end + begin)
                          for q in find_quantities(text[begin:end]) if q.unit]
            return _metric(text, begin, end, quantities[-1] if quantities else None, None, depth - 1)
        pos = begin
    return ""


# Cues and dates' leftovers between a subject and its milestone or rank (…计划2026年3月完工, …要继续保持…).
_TRAILING_CUES = re.compile(r"(?:计划|将于|将|于|正式|预计|拟|年内|实现|已|并|在|到|至|秋季学期|春季学期|学期|要|继续|力争|"
                            r"确保|争取|保持|进一步)+$")


def _subject_before(text: str, start: int, depth: int, fallback: bool = True) -> str:
    """The subject written before a bare milestone, rank or coverage in its clause (东城小学…建成使用),
    else (with `fallback`) what the clause before measured."""
    begin = _clause_start(text, start)
    subject = _clean(_without_dates(text[begin:start]))
    subject = _TRAILING_CUES.sub("", subject)
    subject = _clean(subject)
    if subject:
        return subject[-24:]
    return _previous_metric(text, begin, depth) if fallback else ""


def _rank_metric(text: str, start: int, rank: tuple[int, int], depth: int) -> str:
    """…排名全省第一 / …位居全市第三名 → …全省排名."""
    before = _clean(_without_dates(text[start:rank[0]]))
    before = _RANK_VERBS.sub("", before)
    scope_m = _SCOPE.search(before)
    scope = ""
    if scope_m and scope_m.start() > 0:
        scope = scope_m["scope"]
        before = before[:scope_m.start()]
    elif scope_m:
        scope, before = scope_m["scope"], ""
    head = _RANK_VERBS.sub("", _clean(before)).removesuffix("排名")
    if not head:  # 保持全市前3名、力争第1: the second rank is of what the first ranked
        subject = _subject_before(text, start, depth, fallback=False)
        earlier = _RANK_WRITTEN.search(subject)
        if earlier:
            subject = subject[:earlier.start()]
        subject = _RANK_VERBS.sub("", _clean(subject))
        scope_m = _SCOPE.search(subject)
        if scope_m:
            scope, subject = scope or scope_m["scope"], subject[:scope_m.start()]
        head = _TRAILING_CUES.sub("", _RANK_VERBS.sub("", _clean(subject))).removesuffix("排名")
    return f"{head}{scope}排名"


def _place_metric(phrase: str) -> str | None:
    """新增幼儿园、中小学学位 → 新增学位数; 补充学前教育学位 → 新增学前教育学位数."""
    m = _PLACES.match(phrase)
    if not m:
        return None
    what = m["what"]
    levels = [name for name, pattern in _LEVELS if re.search(pattern, what)]
    return f"新增{levels[0] if len(levels) == 1 and '、' not in what else ''}学位数"


# A named school before what is measured (霁川县第一中学高考本科上线率): the school is whom the goal is set for
# (HAS_GOAL), not part of the metric.  Named means placed (…县/区/市/镇…) or a county's unique school (实验小学);
# a kind of school (公办幼儿园在园幼儿占比, 乡村学校…) or a school after a verb (新建学校数) stays.
_SCHOOL_HEAD = "|".join(sorted(set(SCHOOL_HEADS) - set(STAGE_HEADS), key=len, reverse=True))
_NAMED_SCHOOL = re.compile(
    rf"^(?P<name>[^，,、（(“”\d]{{1,8}}?[县区市镇乡旗][^，,、（(“”\d]{{0,6}}(?:{_SCHOOL_HEAD})|"
    rf"{'|'.join(sorted(UNIQUE_SCHOOLS, key=len, reverse=True))})(?![{''.join(WORDS_AFTER_XUE)}])(?=[^，,]{{3,}}$)")


def _without_school(metric: str) -> str:
    m = _NAMED_SCHOOL.match(metric)
    if not m or _ACTION.match(metric) or _INVERT_RE.match(metric):
        return metric
    return metric[m.end("name"):]


def canonical(metric: str) -> str:
    """The one name of a metric the documents write several ways (the national indicators), without a named
    school before it."""
    metric = _without_school(metric)
    for pattern, name in _CANONICAL:
        if pattern.match(metric):
            return name
    return _place_metric(metric) or metric


def _with_head(phrase: str, unit: str | None) -> str:
    """A count, rate, sum or span of time named as such: 新建幼儿园 + 所 → 新建幼儿园数."""
    if unit == "%":
        if re.search(r"(?:增长|提高|提升|下降|降低|增加|减少|入园|入学|巩固|普及|合格|达标|完成|覆盖|就业|升学|"
                     r"上线|录取|优良|检出|知晓|满意|参与|到位|落实|使用|建立|配备)$", phrase):
            return phrase + "率"
        if phrase.endswith("占"):
            return phrase + "比"
        return phrase if _ENDS_AS_HEAD.search(phrase) else phrase + "比例"
    if unit == "元":
        if phrase.startswith("投入") and phrase[2:] not in ("", "资金", "经费"):
            return phrase[2:] + "投入"
        return phrase if _MONEY.search(phrase) else phrase + "资金"
    head = _HEAD_BY_UNIT.get(unit or "", "数")
    if not head or phrase.endswith(head) or _ENDS_AS_HEAD.search(phrase):
        return phrase
    if head == "人数" and phrase.endswith("人"):
        return phrase + "数"
    return phrase + head


def _split_subject_verb(rest: str) -> tuple[str, str]:
    """27所|中小学开设…课程: the counted noun and what is said of it (split at its first verb)."""
    m = re.search(r"(?:已|均|全部)?(?:完成|实现|通过|入选|获得|获评|获|被评为|被|开设|落实|实施|实行|成为|参加|参与|建成|"
                  r"设立|成立|建立|达到|开展|承担|申报|纳入|配齐|配备)", rest)
    if not m or m.start() < 2:
        return rest, ""
    return rest[:m.start()], rest[m.start():]



def _without_enumeration(phrase: str) -> str:
    """新建第二实验小学、九幼等教育载体 → 新建教育载体: the names listed before 等 go, a leading verb stays."""
    verb = _ACTION.match(phrase) or _INVERT_RE.match(phrase)
    at = verb.end() if verb else 0
    return phrase[:at] + _ENUMERATION_END.sub("", _ENUMERATION.sub("", phrase[at:]))


def _listed_verb(text: str, start: int) -> str:
    """The counting verb an item of a list shares with the item before it (规划建设4所幼儿园、4所小学)."""
    if start == 0 or text[start - 1] != _LIST_SEP:
        return ""
    begin = _clause_start(text, start - 1, _CLAUSE_END)
    verb = _ACTION.match(_clean(_SPACE.sub("", text[begin:start - 1])))
    return verb.group() if verb else ""


def _numeric(text: str, start: int, end: int, q: Quantity, depth: int) -> str:
    before = _SPACE.sub("", text[start:q.start])
    if q.unit == "%":
        before = _SHARE_OF.sub(r"占\1", before)
    after_cmp = _AFTER_CMP.match(text, q.end, end)
    after = _SPACE.sub("", text[after_cmp.end() if after_cmp else q.end:end])
    before = _without_enumeration(_FROM.sub("", before))  # 由1.44亿元提高到3.6亿元: the metric is what changed
    before = _clean(_VS_BASE.sub("", _without_dates(_ASIDE.sub("", before))))
    before = _clean(_JOIN.sub("", before))
    after = _clean(_without_enumeration(_ASIDE.sub("", after)))
    if not before and after:  # 27所中小学开设… / 100%落实… / 12个重点工程建成投用
        noun, said = _split_subject_verb(after)
        if not said and not _ACTION.match(after):
            after = _listed_verb(text, start) + after
        if said and q.unit == "%":
            verb = _INVERT_RE.match(said)
            phrase = f"{noun}{said[verb.end():]}{said[:verb.end()]}" if verb else f"{noun}{said}"
        elif said:
            said = _clean(said)
            phrase = f"{said}{'的' if len(said) > 4 else ''}{noun}"
        else:
            inverted = _INVERT_RE.match(after) if q.unit == "%" else None
            phrase = f"{after[inverted.end():]}{inverted.group()}" if inverted and inverted.end() < len(after) else after
        return canonical(_with_head(_clean(phrase), q.unit))
    if before and after and q.unit == "%":  # 校外培训机构100%建立党组织 → …党组织建立率
        verb = _INVERT_RE.match(after)
        phrase = f"{before}{after[verb.end():]}{verb.group()}" if verb and verb.end() < len(after) else before + after
        return canonical(_with_head(phrase, q.unit))
    phrase = before + after
    phrase = re.sub(r"^[对把将]", "", phrase)
    phrase = re.sub(r"的(?=(?:比例|占比|比重|满意度|人数|数量|[^的]{0,6}率)$)", "", phrase)
    phrase = re.sub(r"对(?=[^对]{1,6}的满意度$)", "", phrase).replace("的满意度", "满意度")
    phrase = _clean(phrase)
    if not phrase or _ONLY_CHANGE.match(phrase):  # 、55所 / 同比增长7.8%: what the item before measured
        subject = _previous_metric(text, start, depth)
        change = _CHANGE.search(phrase)
        if change and q.unit in ("%", "个百分点"):
            phrase = subject + ("同比" if re.search(r"同比|同口径|[比较]上年", text[start:q.start]) else "") + change.group()
            return phrase + ("幅度" if subject.endswith("率") or q.unit == "个百分点" else "率")
        if change:
            return subject + change.group() + _HEAD_BY_UNIT.get(q.unit or "", "数").replace("人数", "数")
        return subject or canonical(_with_head(phrase, q.unit))
    if re.match(r"^培训(?=教师|校长|班主任|党员|干部|乡村教师|骨干)", phrase):
        phrase = phrase[2:] + "培训"  # 培训教师 → 教师培训
    return canonical(_with_head(phrase, q.unit))


_AGENT = re.compile(r"^被[^，,]{2,12}?(?=授予|评为|确定为|认定为|命名为)")  # 被省教育厅授予… → 授予…


def _non_numeric(text: str, start: int, end: int, depth: int) -> str:
    phrase = _clean(_without_dates(_SPACE.sub("", text[start:end])))
    if not phrase:
        return ""
    milestone = _MILESTONE.fullmatch(phrase)
    if milestone:
        return f"{_subject_before(text, start, depth, fallback=False)}{_milestone(milestone)}"
    milestone = _MILESTONE.match(phrase) or _MILESTONE.search(phrase)
    if milestone and milestone.end() == len(phrase):  # 东城小学建成使用 → 东城小学投用
        return f"{_TRAILING_CUES.sub('', _clean(phrase[:milestone.start()]))}{_milestone(milestone)}"
    if milestone and milestone.start() == 0:  # 交付新城实验小学 → 新城实验小学投用
        return f"{_clean(phrase[milestone.end():])}{_milestone(milestone)}"
    for pattern, name in _CANONICAL:
        if pattern.match(phrase):
            return name
    trend = _TREND.search(phrase)
    if trend:
        subject = _clean(phrase[:trend.start()]) or _subject_before(text, start, depth)
        return f"{subject}{trend['scope'] or ''}排名"
    if _COVERAGE.search(phrase):
        subject = _clean(_COVERAGE.sub("", phrase).removeprefix("实现"))
        subject = re.sub(r"^\d+所?", "", subject)
        return f"{subject or _subject_before(text, start, depth)}覆盖率"
    phrase = _AGENT.sub("", phrase)
    m = _INVERT_RE.match(phrase)
    if m and m.end() < len(phrase):
        verb = next(form for i, (_, form) in enumerate(_INVERT) if m[f"v{i}"])
        obj = _clean(re.sub(r"的?工作$", "", phrase[m.end():]) or phrase[m.end():])
        obj = obj.replace("的", "") if len(obj) > 6 else obj
        if verb == "完成" and obj.endswith("任务"):
            return f"{obj}完成情况"  # 完成年度各项目标任务 → 年度目标任务完成情况
        return f"{obj}{verb}"
    phrase = re.sub(r"零(事故|伤亡|发案|违规|投诉|反弹)$", r"\1数", phrase)  # 校园安全零事故 → 校园安全事故数
    zero = re.match(r"^(.*?)(?:为零|清零)$", phrase)
    if zero and zero[1]:
        return zero[1] + "数"
    return phrase


def _metric(text: str, start: int, end: int, quantity: Quantity | None, rank: tuple[int, int] | None,
            depth: int) -> str:
    if rank is not None:
        return _rank_metric(text, start, rank, depth)
    if quantity is not None:
        return _numeric(text, start, end, quantity, depth)
    return _non_numeric(text, start, end, depth)


def metric_name(text: str, start: int, end: int, quantity: Quantity | None = None,
                rank: tuple[int, int] | None = None) -> str:
    """What the goal at text[start:end] measures, as a comparable noun phrase.

    `text` is the paragraph (what comes before the span completes an elliptical goal), `quantity`
    the goal's number as parsed (its offsets in `text`), `rank` the offsets of a rank written in
    the span (前3, 第一, 冠军) when the goal is a rank.  Returns "" only when nothing names the metric.
    """
    return _metric(fold_width(text), start, end, quantity, rank, depth=3)


def overlap_f(a: str, b: str) -> float:
    """Character-overlap F of two phrases: 2·|common characters (as multisets)| / (|a| + |b|)."""
    if not a and not b:
        return 1.0
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b))


def _bigrams(text: str) -> Counter:
    return Counter(text[i:i + 2] for i in range(len(text) - 1))



def metric_similarity(a: str, b: str) -> float:
    """How alike two metric names are, 0..1: the mean of character overlap and character-bigram
    overlap (bigrams tell 义务教育巩固率 from 义务教育入学率), halved when each leads with a
    different counting verb (新建幼儿园数 is no 改扩建幼儿园数).  Quotes and title marks are ignored."""
    a, b = fold_width(a).translate(_QUOTES), fold_width(b).translate(_QUOTES)
    if not a or not b:
        return 0.0
    ba, bb = _bigrams(a), _bigrams(b)
    pairs = sum(ba.values()) + sum(bb.values())
    bigram = 2 * sum((ba & bb).values()) / pairs if pairs else float(a == b)
    score = (overlap_f(a, b) + bigram) / 2
    va, vb = _ACTION.match(a), _ACTION.match(b)
    if va and vb and va.group() != vb.group() and not any({va.group(), vb.group()} <= s for s in _SAME_ACTION):
        score /= 2
    return score
