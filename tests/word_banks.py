"""A Chinese question bank in every layout the Word/text importer reads, and .docx builders."""

from __future__ import annotations

import io

from docx import Document

EVERY_LAYOUT = """供电营业知识题库（2026 年版）

一、单项选择题（每题2分，共8分）
1. 用户逾期未交电费，供电企业可以每日按电费总额的（  ）加收违约金。
A．1‰至2‰
B．1‰至3‰
C．2‰至5‰
答案：B
解析：《电力供应与使用条例》第三十九条。
2、居民用户的计量装置由谁负责安装？
A．用户　B．供电企业　C．物业　D．开发商
【答案】B
（3）客服接听电话应在铃响几声内接起？
Ａ．3声 Ｂ．5声 Ｃ．7声 答案：A
4．下列说法正确的是（　）。（5分）
（1）投诉须登记
（2）回访须录音
A.（1）  B.（2）  C.（1）（2）
答案：C
二、多项选择题（每小题3分）
1．下列属于“四声服务”的有（　）。
A.来有欢迎声 B.问有应答声 C.走有送别声 D.骂有回骂声
正确答案：A、B、C
【解析】服务规范第 3 条。
2．客服人员应做到（　）。
A、耐心 B、细致
C、推诿
【答案】AB
三、判断题（每题1分）
1. 供电企业可以随意停电。（×）
2. 用户应按时交纳电费。
答案：√
3. 欠费满 30 日可依法停电。
答案：正确
4. 投诉可以不登记。
答案：错误
四、填空题（每空1分）
1. 居民分时电价分为______和丰枯两类。
答案：峰谷/峰谷分时
2. 违约金按（  ）至（  ）计算，单位为（ ）。
答案：千分之一；千分之三；“元/日”
3. 客服三声是（  ）、（  ）。
答案：来有迎声、走有送声
五、简答题（每题10分）
1. 简述投诉处理的时限要求。
参考答案：
（1）一般投诉 5 个工作日内处理完毕。
（2）重大投诉 24 小时内上报。

回访应在处理后 3 日内完成。
2. 说明文明用语的要求。（8分）
【参考答案】
使用“您好”“请”“谢谢”。
不说服务忌语。
【解析】见服务规范。
"""

# (kind, points) of every item above, in order
EXPECTED = [
    ("single", "2"), ("single", "2"), ("single", "2"), ("single", "5"),
    ("multi", "3"), ("multi", "3"),
    ("tf", "1"), ("tf", "1"), ("tf", "1"), ("tf", "1"),
    ("fill", "1"), ("fill", "3"), ("fill", "2"),
    ("essay", "10"), ("essay", "8"),
]  # fmt: skip


def docx_bytes(text: str, *, table_rows: list[list[str]] | None = None) -> bytes:
    """A .docx with one paragraph per line of `text` (then a table, if rows are given)."""
    document = Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for r, row in enumerate(table_rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Answers inside the stem's brackets and answer keys away from the items: a section's own
# key after its items, and a key for the rest at the end of the document.
KEYS_AND_BRACKETS = """电力客服题库（答案另附）

一、单项选择题（每题2分）
1．我国电力系统的额定频率为（ B ）Hz。
A．40　B．50　C．60
2．电费单上的金额（单位：元）保留到（  ）。
A．元　B．角　C．分
3．居民用户的计量装置由（  ）负责安装。
A．用户　B．供电企业　C．物业
一、单项选择题答案：2.C 3.B
二、多项选择题（每题3分）
1．“四声服务”包括（ AC ）。
A．来有迎声　B．骂有回声　C．走有送声　D．等有音乐声
2．客服人员应做到（  ）。
A．耐心　B．细致　C．推诿
三、判断题（每题1分）
1．供电企业可以随意停电。（×）
2．（√）用户应按时交纳电费。
3．欠费满 30 日可依法停电。
4．投诉可以不登记。
5．用户应保持家电损坏原状。
四、填空题（每空1分）
1．居民分时电价分为______和丰枯两类。
2．违约金按（  ）至（  ）计算。

参考答案
二、多项选择题
1.AC 2.AB
三、判断题
3-5 √×√
四、填空题
1. 峰谷/峰谷分时
2. 千分之一；千分之三
"""

# (kind, answer key) of every item above, in order
KEYS_EXPECTED = [
    ("single", {"answer": "B"}), ("single", {"answer": "C"}), ("single", {"answer": "B"}),
    ("multi", {"answers": ["A", "C"]}), ("multi", {"answers": ["A", "B"]}),
    ("tf", {"answer": False}), ("tf", {"answer": True}), ("tf", {"answer": True}),
    ("tf", {"answer": False}), ("tf", {"answer": True}),
    ("fill", {"blanks": [[["峰谷", "1"], ["峰谷分时", "1"]]], "any_order": False}),
    ("fill", {"blanks": [[["千分之一", "1"]], [["千分之三", "1"]]], "any_order": False}),
]  # fmt: skip

# The same bank with its end key in Word tables: a 题号 row over an 答案 row, and 题号 | 答案
# columns; the 填空 answers stay paragraphs.
BODY, _KEY = KEYS_AND_BRACKETS.split("参考答案\n")
TABLE_KEY = [
    BODY + "参考答案\n二、多项选择题",
    [["题号", "1", "2"], ["答案", "AC", "AB"]],
    "三、判断题",
    [["题号", "答案"], ["3", "√"], ["4", "×"], ["5", "√"]],
    "四、填空题\n1. 峰谷/峰谷分时\n2. 千分之一；千分之三",
]


def docx_parts(parts: list) -> bytes:
    """A .docx of paragraphs (a str, one paragraph per line) and tables (a list of rows)."""
    document = Document()
    for part in parts:
        if isinstance(part, str):
            for line in part.split("\n"):
                document.add_paragraph(line)
            continue
        table = document.add_table(rows=len(part), cols=len(part[0]))
        for r, row in enumerate(part):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# 简答 with 评分标准 in every written form, and 案例 in every layout: the rubric's numbers
# are （1） or ① under an item numbered 1. (a 2. there could be the next item), and 1. 2. where the next item is not numbered 2.
RUBRICS_AND_CASES = """客服业务考核（简答与案例）

一、简答题（每题10分）
1. 简述峰谷分时电价。
参考答案：
峰谷分时电价按用电时段分别计价。
高峰时段电价高，低谷时段电价低。
评分标准：
（1）说明峰谷分时的含义（2分）
（2）高峰时段电价高；低谷时段电价低 3分
③举例说明（3分）：居民峰谷电价；工商业分时电价
正确 3分：举出两例 / 部分正确 1.5分：举出一例 / 不正确 0分：未举例
- 答题完整 (2分): 条理清楚
  - 完整 (2分): 四个要点都写到
  - 不完整 (0分): 缺任一要点
评分说明：答题不完整扣2分。
2. 普通客户投诉的时限是多少？（4分）
【参考答案】首次回复≤4小时，处理≤10天。
【评分标准】
1. 首次回复时限：4小时（2分）
2. 处理时限：10天（2分）
二、案例分析题
案例一：物业公司在裙楼平台设置广告
某物业公司经政府主管部门批准，在大厦裙楼平台设置了一幅广告。
业主委员会要求撤除该广告。
依据：《民法典》第二百七十八条：利用共有部分从事经营活动，应当经业主共同决定。
《民法典》第二百八十二条：共有部分的收入扣除合理成本后属于业主共有。
出处：某客户服务中心业务考核试题·案例分析第12题
1. 法院该怎么判？（4分）
参考答案：
法院一般应支持业主委员会的请求，判令撤除广告。
评分标准：
（1）判决结果（2分）：支持业主委员会的请求；判令撤除广告
  - 正确 (2分): 答出支持请求、判令撤除
  - 部分正确 (1分): 只答出判决方向
  - 不正确 (0分): 认为应支持物业公司
（2）收益处理（2分）：收入扣除合理成本后属于业主共有
2. 为什么？（2分）
参考答案：裙楼平台属于业主共有部分。
评分标准：
①经营须业主共同决定（2分）
【案例二】保洁员擅自进入业主家
保洁员发现业主家门未锁，出于好奇进入屋内。
【依据】
《民法典》第九百四十二条：物业服务人应当维护业主的合法权益。
来源：客户服务技能考核任务书·案例第9题
问题：
（1）保洁员错在哪里？（3分）
参考答案：未经业主同意进入专有部分。
评分标准：
1. 未经同意进入业主家（3分）
（2）应该怎样处理？（3分）
参考答案：向业主说明并道歉。
评分标准：
1. 说明并道歉（3分）
"""


# What each 简答 and case question above becomes: (points, case title or None, criteria
# as (title, points, key points, level labels)).
RUBRICS_EXPECTED = [
    ("10", None, [
        ("说明峰谷分时的含义", "2", ("说明峰谷分时的含义",), ()),
        ("高峰时段电价高；低谷时段电价低", "3", ("高峰时段电价高", "低谷时段电价低"), ()),
        ("举例说明", "3", ("居民峰谷电价", "工商业分时电价"), ("正确", "部分正确", "不正确")),
        ("答题完整", "2", ("条理清楚",), ("完整", "不完整")),
    ]),
    ("4", None, [
        ("首次回复时限", "2", ("4小时",), ()),
        ("处理时限", "2", ("10天",), ()),
    ]),
    ("4", "物业公司在裙楼平台设置广告", [
        ("判决结果", "2", ("支持业主委员会的请求", "判令撤除广告"), ("正确", "部分正确", "不正确")),
        ("收益处理", "2", ("收入扣除合理成本后属于业主共有",), ()),
    ]),
    ("2", "物业公司在裙楼平台设置广告", [("经营须业主共同决定", "2", ("经营须业主共同决定",), ())]),
    ("3", "保洁员擅自进入业主家", [("未经同意进入业主家", "3", ("未经同意进入业主家",), ())]),
    ("3", "保洁员擅自进入业主家", [("说明并道歉", "3", ("说明并道歉",), ())]),
]  # fmt: skip
