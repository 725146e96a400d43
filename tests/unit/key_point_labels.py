"""A hand-labelled set for the key-point hints: answers a staff member might write to four
shipped case questions, and for each the rubric key points the answer plainly makes.

Labelling rule: a key point "appears" when the answer states its main claim, in any words
(a paraphrase counts; a citation or one of its examples alone does not; saying the opposite
does not). Key points are named "criterion.point", counted from 0 in the rubric's order, as
the case file lists them. The key points themselves are read from the shipped case files, so
a rubric edit shows up here as a changed text.
"""

from __future__ import annotations

# question id -> [(answer, key points that appear)]
# Tuned against: the synonyms and thresholds in grading/key_points.py were chosen looking at
# these answers.
LABELLED: dict[str, list[tuple[str, set[str]]]] = {
    "case-03-q1": [
        (
            # The answer the issue quotes: it says 侵权行为 and 巡查, and matched nothing.
            "先安抚业主情绪，向业主解释：楼上扔垃圾是侵权行为，不能成为不交管理费的理由。"
            "物业会加强巡查，找出扔垃圾的住户。",
            {"1.1", "2.0"},
        ),
        (
            "首先理解业主的心情，向业主道歉，并承诺马上跟进处理。其次说明物业费是按照物业服务合同"
            "交纳的，是整个小区服务的费用，楼上业主投掷垃圾属于侵权行为，不能作为拒交物业费的理由，"
            "拒交物业费要承担违约责任，物业可以催告甚至起诉。物业会加强巡查、走访楼上住户，必要时"
            "查看监控，找到投掷垃圾的人；对其进行劝阻并发书面通知要求停止，在楼道张贴提示。拒不改正"
            "的报告有关部门处理，同时帮业主清理花园垃圾。业主也可以要求侵权人停止侵害、赔偿损失；"
            "高空抛物是法律禁止的，必要时可以报警。",
            {"0.0", "0.1", "1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "3.0", "3.1"},
        ),
        (
            "物业费是必须交的，根据合同业主应当按时交费。不交的话物业会发催缴通知，多次催缴不交的"
            "可以起诉。垃圾的问题我们会通知保洁去清理。",
            {"1.0", "1.2"},
        ),
        (
            "我会先向业主表示歉意，理解他的不满。然后告诉他，扔垃圾的是别的业主，这是他们侵犯您的"
            "权利，和交物业费是两回事。我们会去调查是哪户扔的，查看监控录像，找到后上门劝阻，并在"
            "小区公告栏贴出提醒。如果屡教不改，我们会上报居委会和相关部门。您也可以直接要求对方赔偿"
            "损失，情况严重的可以报警。",
            {"0.0", "1.1", "2.0", "2.1", "2.2", "3.0"},
        ),
    ],
    "case-12-q1": [
        (
            "法院应支持业主委员会的诉求，判决物业公司拆除广告。已经收取的广告费扣除成本后归全体业主"
            "所有，物业公司不能自己支配。",
            {"0.0", "0.1", "1.0", "1.1"},
        ),
        (
            "物业公司败诉。平台是业主共有的，物业无权擅自出租做广告，广告收入应归业主。",
            {"0.0", "1.0"},
        ),
        (
            "广告收益属于物业公司，因为是物业公司找的广告商，法院应驳回业委会的请求。",
            set(),
        ),
    ],
    "case-05-q1": [
        (
            "收到信函后先登记，对业主的损失表示理解，告诉业主处理流程和答复时间。马上派工程人员上门，"
            "让楼上业主暂停使用洗手间并关阀门，做好临时防护防止损失扩大。和双方业主一起到现场查看，"
            "拍照录像，记录漏水位置和电器损坏情况，请双方签字确认，查明是原来施工的防水问题还是楼上"
            "装修造成的。如果是施工质量问题且在保修期内，由开发商负责维修赔偿，物业协助索赔；如果是"
            "楼上装修造成的，由楼上业主赔偿；物业没有过错的不承担赔偿，不能随便答应由物业赔。组织"
            "双方协商赔偿，书面答复业主，协商不成可以申请调解或起诉，修好后回访。",
            {
                "0.0",
                "0.1",
                "1.0",
                "1.1",
                "2.0",
                "2.1",
                "2.2",
                "3.0",
                "3.1",
                "3.2",
                "4.0",
                "4.1",
                "4.2",
                "4.3",
            },  # fmt: skip
        ),
        (
            "物业先派人去看看，拍照留证据。漏水是楼上造成的，让楼上业主赔偿。物业不负责赔偿。",
            {"2.0", "3.1", "3.2"},
        ),
        (
            "向业主道歉，说物业会全额赔偿电器损失，尽快安排维修。",
            set(),
        ),
    ],
    "case-09-q1": [
        (
            "阿霞未经业主同意就进入业主家里，违反了服务规范。发现门开着应该马上报告，不应自己一个人"
            "进去处理，这样容易引起误会和财物纠纷。",
            {"0.0", "0.1", "1.0", "1.1"},
        ),
        (
            "阿霞不应该进去，应该先打电话给业主。",
            {"0.0"},
        ),
    ],
}


# Written and labelled after the method was fixed, and measured once: the check that the
# tuning did not just learn the set above.
HELD_OUT: dict[str, list[tuple[str, set[str]]]] = {
    "case-01-q1": [
        (
            "先耐心听业主说完，表示理解他的疑问，说话注意礼貌，不和业主争吵。告诉业主物业费是按"
            "物业服务合同约定交的，收费标准和收取办法都写在合同里，对业主有约束力，可以把合同里的"
            "收费条款拿给业主看。预收是为了保障入住初期各项服务正常开展，收费是公开的，会开正式"
            "发票。如果当场解决不了，就记录下来上报主管，约定时间回复业主。",
            {"0.0", "0.1", "1.0", "1.1", "1.2", "2.0", "2.1", "3.1"},
        ),
        (
            "预收三个月管理费是公司规定，大家都这样交，业主必须交。",
            set(),
        ),
    ],
    "case-02-q1": [
        (
            "应该从4月28日签收楼确认书那天开始算。2月15日到4月28日的物业费由开发商交，因为房子"
            "还没有交付给业主，房屋质量问题是开发商的保修责任。5月15日入住不影响计费。具体还要看"
            "买卖合同和前期物业服务合同的约定。",
            {"0.0", "0.1", "1.1", "1.2", "2.0", "3.0"},
        ),
        (
            "应从2月15日交款拿钥匙那天开始计算，拿了钥匙就算收楼了。",
            {"0.0", "0.2"},  # the rubric (#15) accepts 2/15 when delivery is the keys
        ),
    ],
}
