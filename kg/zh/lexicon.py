"""Domain vocabulary of Chinese education-bureau documents, shared by the rules.

General knowledge of how bodies, schools and initiatives are named in
Chinese administration, not lists of names from any one document.
"""
from __future__ import annotations

# Kind words that end a named initiative (SCHEMA: PROGRAM).
PROGRAM_HEADS: tuple[str, ...] = (
    "工程", "计划", "行动", "项目", "大赛", "比赛", "竞赛", "杯", "艺术节", "科技节", "读书节", "阅读节", "体育节",
    "文化节", "嘉年华", "改革", "创建", "平台", "基地", "工作室", "工作站", "培育站", "培训站", "品牌", "示范校",
    "示范区", "示范县", "实验区", "实验校", "试验区", "示范点", "联盟", "共同体", "论坛", "讲堂", "年会", "运动会",
    "行动计划", "专项行动", "专项整治", "文明校园", "智慧校园", "平安校园", "书香校园", "活动周", "开放周",
    "评比", "评选", "展演", "擂台赛", "比武", "学分银行", "云平台", "网校", "互联网学校", "校园建设", "示范校创建",
    "督导", "奖", "课程", "名片", "活动", "年会", "推进会", "现场会", "研讨会", "展示", "示范单位", "先进单位",
    "读书行动", "大比武", "大练兵", "培塑营", "后备班", "研究基地", "实践中心", "资源中心",
)

# Words that end a programme name as often as they end a generic phrase (学科组建设): they
# propose candidates, and the learned tagger decides.
WEAK_PROGRAM_HEADS: tuple[str, ...] = (
    "建设", "机制", "模式", "品牌", "课堂", "办学", "振兴", "培育", "示范", "运会", "发展区", "普惠区", "均衡区",
    "合格校",
)

# National initiatives known by a short name everywhere in Chinese education.
KNOWN_PROGRAMS: tuple[str, ...] = (
    "双减", "五项管理", "新高考", "强基计划", "国培计划", "国培", "省培", "特岗教师计划", "双一流", "学习强国",
    "主题教育", "党史学习教育", "扫黑除恶", "县管校聘", "区管校聘", "教育信息化2.0", "互联网+",
    "智慧助老", "送教下乡", "家校社协同育人", "集团化办学", "双新", "新课标", "新中考", "强师计划",
)

# National rules known by a short name, not written as document titles (SCHEMA: a named rule is POLICY).
KNOWN_POLICIES: tuple[str, ...] = ("中央八项规定", "八项规定", "三会一课")

# Kind words that make a name only with quotes or a proper name of their own (SCHEMA: 制/机制/模式 ruling).
QUOTED_ONLY_HEADS: tuple[str, ...] = ("机制", "模式", "制", "制度", "政策", "办法", "建设", "培育", "体系")

# Heads whose unquoted generic use is common: the name needs more characters around them.
MIN_LEN_BY_HEAD: dict[str, int] = {"改革": 5, "督导": 6, "奖": 6, "课程": 6, "平台": 5, "品牌": 5, "评比": 5,
                                   "活动": 6, "展示": 6, "示范单位": 6, "先进单位": 6}

# Stages of schooling that also end a school's name (溪川高中, 北塘初中) but far more often name the
# stage (城区初中学位, 高中阶段毛入学率): a head for the rules, never a school that a metric leaves out.
STAGE_HEADS: tuple[str, ...] = ("高中", "初中")
# Short kind words that also sit inside ordinary words (提高中小学, 统一中考): heads for the rules, but
# not dictionary words for the segmenter, which would force them there.  Numbered short names:
# 城南二小, 河西一中, 临江一高, 九幼.
SHORT_SCHOOL_HEADS: tuple[str, ...] = (*STAGE_HEADS, *(n + kind for n in "一二三四五六七八九十" for kind in "小中幼高"))
SCHOOL_HEADS: tuple[str, ...] = (
    "小学", "中学", "幼儿园", "学校", "学院", "大学", "附小", "附中", "分校", "校区", "高中部", "初中部", "小学部",
    "职教中心", "开放大学", "老年大学", "实验学校", "实验幼儿园", "中心校", "完小", "附校", "职专", "保育院", "分园",
    *SHORT_SCHOOL_HEADS,
)

# Kinds of school a county or district has one of: written alone they name it (SCHEMA: 实验 for 实验学校).
UNIQUE_SCHOOLS = frozenset("""
实验学校 实验小学 实验中学 实验初中 实验幼儿园 职教中心 开放大学 老年大学 特教学校 特殊教育学校 进修学校 教师进修学校
""".split())

# Characters that make 学 the start of another word (学生, 学科, 学前, 学段, …), so 中学生 holds no 中学.
WORDS_AFTER_XUE = frozenset("生科前段年期习位历籍业风分校")

OFFICE_HEADS: tuple[str, ...] = (
    "教育局", "教体局", "教育体育局", "人民政府", "政府", "委员会", "工委", "领导小组", "工作组", "督查组",
    "巡察组", "研究室", "研修中心", "指导中心", "办公室", "教育厅", "厅", "科", "局",
)

# Bodies of the central government: one node whichever local document names them.
NATIONAL_OFFICES = frozenset({"党中央", "中共中央", "国务院", "教育部"})

# Words ending in an office head that are not offices.
NOT_OFFICES: frozenset[str] = frozenset("""
学科 本科 理科 文科 专科 全科 非学科 文理科 工科 医科 科科 大局 全局 开局 布局 格局 结局 当局 邮局 骗局 棋局 时局
大厅 客厅 餐厅 展厅 门厅 舞厅 歌厅 报告厅 会议厅 音乐厅 演播厅 功能厅 舞蹈厅 排练厅 陈列厅 休息厅
""".split())

# Whole names of bodies that need no head rule.
KNOWN_OFFICES: tuple[str, ...] = (
    "党中央", "国务院", "教育部", "省委", "市委", "区委", "县委", "省政府", "市政府", "区政府", "县政府",
    "区委区政府", "市委市政府", "县委县政府", "省委省政府", "区人大", "区政协", "市人大", "市政协", "县人大",
    "县政协", "教育工会", "工委", "编办", "人社", "住建", "发改", "民政", "公安", "消防", "市监", "卫健", "残联",
    "财政", "统战", "文广旅体", "团委", "妇联", "关工委", "科协",
)

# Departments whose field joins two with 和 (发展和改革委员会): 和 ends a name anywhere else.
JOINED_OFFICE_FIELDS: tuple[str, ...] = (
    "发展和改革", "住房和城乡建设", "人力资源和社会保障", "自然资源和规划", "教育和体育", "文化和旅游", "文化广电和旅游",
    "工业和信息化", "卫生和计划生育", "教育和科学技术", "教育和文化体育",
)

# A designation awarded to a school, not a school (SCHEMA: PROGRAM).
DESIGNATION_WORDS: tuple[str, ...] = (
    "示范", "优质", "特色", "现代化", "绿色", "健康促进", "文明", "智慧", "清廉", "阳光", "未来", "生态", "典型",
    "达标", "星级", "标准化", "平安", "书香", "友好", "新优质", "品牌", "互联网", "双优",
)

# Words that end a name when met on its left: verbs, function words, quantifiers.
STOP_WORDS: frozenset[str] = frozenset("""
的 地 得 和 与 及 以及 或 并 并且 同时 等 了 着 在 于 对 把 将 要 为 以 由 从 向 被 让 使 按 按照 根据 依据 通过 围绕 结合
推进 推动 实施 开展 深化 加强 加快 做好 抓好 办好 完成 组织 举办 承办 参加 参与 启动 打造 建立 建设 健全 完善 落实 贯彻 探索
创建 争创 创成 获评 获得 入选 申报 申创 成功 积极 扎实 持续 全面 进一步 深入 继续 认真 大力 着力 不断 努力 力争 确保 实现
擦亮 发挥 利用 依托 借助 聚焦 坚持 强化 提升 提高 优化 促进 支持 鼓励 引导 指导 组建 成立 设立 培育 培养 选拔 评选 表彰
开设 开发 研发 形成 构建 用好 用活 做优 做强 做实 做精 做亮 扩大 增加 新增 新建 改建 扩建 交付 投入 投用 审核 接受 迎接
是 有 其 这 该 此 各 每 全 本 我 新一轮 一批 一系列 系列 相关 重点 主要 一是 二是 三是 四是 五是 六是 全区 全市 全县 全省
区 县 年 月 日 个 项 所 名 次 期 届 轮 类 种 批 支 家 位 人 首 第 共 计 约 近 超 达 达到
开启 承担 牵头 负责 配合 协同 联合 会同 协调 统筹 加大 补齐 巩固 拓展 拓宽 营造 保障 确立 树立 弘扬 传承 推广 宣传
已 已经 正 正在 仍 还 也 都 均 又 再 更 最 很 较 好 高 大 小 多 少 新 老 优 强 深 广 快 慢 实 细 精
""".split())

# Modifiers that make a school or programme name generic.
GENERIC_MODIFIERS: frozenset[str] = frozenset("""
各 各类 各级 各地 所有 相关 有关 重点 重大 一般 部分 其他 其它 这些 那些 全体 每所 各校 各园 薄弱 乡村 农村 城镇 城区 民办
公办 普通 中小 中小学 幼儿 学生 教师 教育 工作 专项 专题 示范 优质 新优质 特色 品牌 各项 多项 一系列 系列 民生 实事 社会
公益 文体 主题 义务教育 热点 普惠性 普惠 小规模 高中 初中 职业 成人 同类 不同 集团 初中学校 城乡 落后 常规 日常 基层 乡镇 街道 镇 村 区域 县域 市域 区级 县级 校级 全市 全区 全县
大中小学 大中小幼 国内外 省内外 现有 辖区 本辖区
贫困 贫困地区 地区 边远 偏远 边远地区 民族地区 少数民族 山区 牧区 对口 省外 局属 区属 县属 市属 直属
""".split())
