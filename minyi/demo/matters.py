"""What people call 12345 about in 韶山: matter templates with the department that handles them
and the reply it gives, plus out-of-scope requests with the reason they are turned down.

Placeholders: ``{place}`` a village, community or road; ``{address}`` the full address;
``{n}`` a small number. ``lead`` and ``assist`` are department codes; "town" means the
government of the township where the matter happens.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Matter:
    title: str
    content: str
    category: str
    lead: str
    types: tuple[str, ...]
    reply: str
    assist: tuple[str, ...] = ()
    wrong: str = ""  # a department a dispatcher might pick first by mistake (returns)
    plan: str = ""  # next steps when the matter is only partly solved at reply time
    complex: bool = False
    direct: bool = False  # a policy question the hotline can answer itself


MATTERS = (
    Matter("{place}路灯不亮",
           "{address}一带有{n}盏路灯已经连续一周不亮，晚上散步的老人和放学的学生出行很不方便，"
           "存在安全隐患，希望尽快维修。",
           "城市管理/路灯照明", "cg", ("help", "complain"),
           "经现场核查，系线路老化短路所致，已更换电缆和灯具，{n}盏路灯已全部恢复照明，"
           "并纳入日常巡检。", wrong="gd"),
    Matter("{place}农贸市场门口占道经营",
           "{address}农贸市场门口每天早上有流动摊贩占道经营，人行道被堵死，行人只能走机动车道，"
           "车辆通行也很困难。",
           "城市管理/占道经营", "cg", ("complain", "help"),
           "已联合镇政府开展整治，劝离流动摊贩并引导进入市场规范经营，安排执法队员早晚巡查，"
           "防止反弹。", assist=("town",)),
    Matter("{place}有人违章搭建",
           "{address}有住户在自家房屋旁边违规加建两层钢棚，占用公共通道，施工还在继续，"
           "请相关部门及时制止。",
           "城市管理/违章搭建", "cg", ("report", "complain"),
           "执法人员已到现场责令停止施工，当事人已自行拆除违建部分，公共通道已恢复。",
           wrong="zj"),
    Matter("{place}广场舞噪声扰民",
           "{address}附近广场舞音响每天晚上放到十点以后，音量很大，周边居民特别是老人小孩休息"
           "受到严重影响，多次劝说无效。",
           "环境保护/噪声扰民", "ga", ("complain",),
           "辖区派出所民警已到现场约谈广场舞组织者，约定活动结束时间不超过21:00并控制音量，"
           "后续将加强夜间巡查。", wrong="hb"),
    Matter("{place}工地夜间施工噪声",
           "{address}附近工地连续几天晚上十一点后还在施工，搅拌机和运输车噪声很大，严重影响休息。",
           "环境保护/噪声扰民", "hb", ("complain", "report"),
           "经查该工地未办理夜间施工许可，已责令其停止夜间作业并依法立案调查。", wrong="cg"),
    Matter("{place}突然停水",
           "{address}从昨天下午开始停水，事先没有接到任何停水通知，家里有老人，生活很不方便，"
           "请问什么时候恢复供水？",
           "供水供电/停水", "zls", ("help", "urgent", "consult"),
           "系主管网爆管抢修所致，已于当晚恢复供水；今后计划停水将提前24小时在社区和村部张贴通知。"),
    Matter("{place}频繁停电",
           "{address}近一个月频繁停电，每次一两个小时，冰箱里的东西都坏了，希望供电公司查明原因。",
           "供水供电/停电", "gd", ("complain", "help"),
           "经排查为台区变压器负荷过重，已完成增容改造，近期供电已恢复稳定。",
           plan="台区配套线路改造已列入明年农网改造计划，预计明年6月底前完成。"),
    Matter("{place}到火车站公交班次太少",
           "{place}到韶山火车站的公交班次太少，下午四点以后就没有车了，村民和学生出行困难，"
           "建议增加班次、延后末班车。",
           "道路交通/公交出行", "jt", ("suggest", "help"),
           "已协调公交公司在工作日增开17:30一班，并将末班车延后至18:30。",
           plan="节假日班次调整方案正在征求意见，预计下月起执行。"),
    Matter("{place}村道路面破损",
           "{address}村道路面多处坑洼，下雨天积水，骑电动车的村民经常摔倒，希望尽快修补。",
           "道路交通/道路破损", "jt", ("help", "complain"),
           "已安排公路养护中心对坑洼路段进行修补，共修补坑槽{n}处，路面已恢复平整。",
           assist=("gl",)),
    Matter("{place}垃圾清运不及时",
           "{address}垃圾站的垃圾已经三天没有清运，气味很大，苍蝇蚊子多，周边居民意见很大。",
           "环境保护/垃圾清运", "hw", ("complain",),
           "已安排车辆当天清运，并将该点清运频次由每日一次调整为每日两次，设置专人保洁。",
           wrong="cg"),
    Matter("异地住院医保报销咨询",
           "在长沙住院做了手术，咨询回韶山后医保怎么报销，异地就医备案怎么办理，需要带哪些材料。",
           "社会服务/社保医保", "yb", ("consult",),
           "可通过国家医保服务平台APP或到市政务服务中心医保窗口办理异地就医备案；出院后凭发票、"
           "费用清单、出院小结到医保窗口办理报销。", direct=True),
    Matter("城乡居民养老保险补缴咨询",
           "本人今年满60周岁，城乡居民养老保险缴费不满15年，想咨询能不能补缴，以及每月能领多少。",
           "社会服务/社保医保", "rs", ("consult",),
           "按现行政策可一次性补缴不足年限的保费，具体金额由社保经办机构核算；已告知到市社保中心"
           "窗口办理，需携带身份证和社保卡。", direct=True),
    Matter("孩子就近入学咨询",
           "孩子明年上小学，户籍在{place}，但在城区买了房子，想咨询能不能在城区学校就读，"
           "需要准备哪些材料。",
           "社会服务/教育就学", "jy", ("consult",),
           "按今年义务教育招生政策，房户一致可在房产所在学区报名；已告知所需材料和网上报名时间。",
           direct=True),
    Matter("{place}小学门口接送车辆乱停",
           "{address}小学放学时段门口接送车辆乱停乱放，道路堵死，孩子们在车缝里穿行，安全隐患很大。",
           "道路交通/违章停车", "jj", ("complain", "suggest"),
           "交警大队已在上下学时段安排警力疏导，并在学校周边施划临时停车区。", assist=("jy",)),
    Matter("{place}路口红绿灯故障",
           "{address}路口的红绿灯坏了两天，一直黄灯闪烁，早晚高峰车辆通行混乱，很容易发生事故。",
           "道路交通/交通信号", "jj", ("urgent", "help"),
           "已更换信号灯控制器，路口信号灯恢复正常运行。"),
    Matter("{place}消防通道被占用",
           "{address}小区消防通道长期被私家车占用，物业劝说无效，万一发生火灾后果不堪设想。",
           "道路交通/违章停车", "jj", ("complain", "report"),
           "已对占用消防通道车辆依法处理，并督促物业设置禁停标识和隔离桩。"),
    Matter("{place}养殖场污水直排",
           "{address}有一家养猪场的污水直接排进旁边的水渠，水渠发黑发臭，下游农田灌溉受影响。",
           "环境保护/污水排放", "hb", ("report", "complain"),
           "经现场检查，该养殖场污水处理设施未正常运行，已责令限期整改并依法立案查处。",
           assist=("town", "nn")),
    Matter("{place}灌溉水渠垮塌堵塞",
           "{address}的灌溉水渠年久失修，有几处垮塌堵塞，晚稻要灌水了，希望尽快组织疏通修复。",
           "农业农村", "sl", ("help",),
           "已组织人员清淤疏通，垮塌段已临时加固，保障了晚稻灌溉。", assist=("town",),
           plan="渠道硬化已列入明年小型农田水利建设项目，预计明年4月完工。"),
    Matter("耕地地力保护补贴发放咨询",
           "咨询今年的耕地地力保护补贴什么时候发放，怎么查询自家的补贴金额。",
           "农业农村", "nn", ("consult",),
           "补贴已于本月通过惠民惠农财政补贴资金“一卡通”发放，可凭社保卡到银行网点查询，"
           "或向村委会查询公示名单。", direct=True),
    Matter("{place}餐馆食品卫生问题",
           "在{address}一家小餐馆吃饭后全家拉肚子，怀疑食材不新鲜，看到后厨卫生条件也很差。",
           "市场监管", "sj", ("complain", "report"),
           "执法人员已对该餐馆进行检查，发现原料储存不规范，已责令整改并依法处罚。"),
    Matter("{place}景区周边强行推销",
           "在{place}附近游览时，有人拉客强行推销纪念品和讲解服务，价格虚高，影响韶山旅游形象。",
           "文化旅游", "wl", ("complain",),
           "已联合市场监管、公安开展景区周边秩序整治，查处违规拉客人员，并加强导游讲解服务管理。",
           assist=("sj",)),
    Matter("节假日{place}一带停车难",
           "节假日{place}一带游客车辆很多，停车场满了以后车辆沿路乱停，本地村民出行都困难，"
           "建议增设临时停车场并安排人员引导。",
           "文化旅游", "jj", ("suggest",),
           "节假日已增设临时停车场两处，安排交警和志愿者引导停车。", assist=("wl",),
           plan="景区换乘停车场扩建正在设计，预计明年国庆前投入使用。", complex=True),
    Matter("{place}小区电梯经常故障",
           "{address}小区电梯经常故障，上个月有老人被困半小时，业主多次向物业反映都没有处理。",
           "住房建设", "zj", ("complain",),
           "已约谈物业公司，督促其更换电梯主板并完成维保检测，电梯已恢复正常运行。",
           assist=("sj",)),
    Matter("{place}老旧小区外墙脱落",
           "{address}老旧小区外墙瓷砖脱落、屋顶漏水，楼下经常有人经过，很危险，"
           "建议纳入老旧小区改造计划。",
           "住房建设", "zj", ("suggest", "help"),
           "已对危险部位设置警示并清除松动瓷砖。",
           plan="该小区已申报纳入明年老旧小区改造计划，预计明年三季度开工。", complex=True),
    Matter("{place}建议恢复日间照料中心",
           "{place}独居老人比较多，村里的日间照料中心关了一年多，建议恢复开放并提供助餐服务。",
           "社会服务/养老服务", "mz", ("suggest",),
           "已与村委会对接，照料中心已恢复开放，每周一至周五提供午餐。", assist=("town",),
           plan="助餐服务的运营补贴正在申请，预计下季度落实。"),
    Matter("高龄津贴申请咨询",
           "咨询家里老人满80岁了，高龄津贴怎么申请，到哪里办理，需要什么材料。",
           "社会服务/养老服务", "mz", ("consult",),
           "年满80周岁的本地户籍老人可凭身份证、户口本到户籍所在村（社区）申请，经审核后按月发放。",
           direct=True),
    Matter("{place}夜间聚众吵闹飙车",
           "{address}附近晚上经常有人聚在一起喝酒吵闹，还有人骑摩托车飙车，居民很担心安全。",
           "社会治安", "ga", ("complain", "report"),
           "派出所已加强夜间巡逻，查处改装摩托车{n}辆，并在路口增设监控。"),
    Matter("{place}流浪狗伤人",
           "{address}一带流浪狗越来越多，上周有小孩被咬伤，请有关部门尽快处理。",
           "社会治安", "ga", ("help", "complain"),
           "已组织对流浪犬进行收容，并开展文明养犬宣传，督促犬主拴养。", assist=("town",)),
    Matter("{place}卫生室缺少医生",
           "{place}村卫生室的医生退休后一直没有人接班，村民看小病、量血压都要跑很远，"
           "希望尽快配备乡村医生。",
           "社会服务", "wj", ("suggest", "help"),
           "已安排镇卫生院医生每周三天到村卫生室坐诊。",
           plan="定向培养的乡村医生明年7月毕业后到岗。"),
    Matter("{place}五保户住房成危房",
           "{address}有一户五保老人的土坯房墙体开裂，下雨天漏雨，随时可能倒塌，希望纳入危房改造。",
           "住房建设", "zj", ("help", "urgent"),
           "已将老人临时安置到敬老院，房屋经鉴定为C级危房，已纳入今年农村危房改造。",
           assist=("town", "mz")),
    Matter("{place}路边乱倒建筑垃圾",
           "{address}路边被人倾倒了大量建筑垃圾，占了半幅路面，晚上很容易撞上。",
           "城市管理/市容环境", "cg", ("complain", "report"),
           "已组织清运建筑垃圾，并在该路段安装监控，查处偷倒车辆。", assist=("town",)),
    Matter("{place}山上有人烧荒",
           "{address}附近山上有人烧荒，烟很大，天气干燥，担心引发山火。",
           "农业农村", "ly", ("urgent", "report"),
           "护林员已到现场扑灭火点，对烧荒人员进行批评教育，并加强森林防火巡查。",
           assist=("town",)),
    Matter("表扬供电公司抢修及时",
           "前几天{place}停电，供电公司抢修人员冒雨连夜抢修，第二天一早就来电了，特此表扬。",
           "供水供电/停电", "gd", ("praise",),
           "已将群众的表扬转达抢修班组，公司将继续做好供电服务。"),
    Matter("表扬镇村干部帮办实事",
           "{place}的干部帮我们解决了多年的出行难题，修好了门前的路，特此表扬。",
           "其他", "town", ("praise",),
           "已将表扬转达相关干部，我们将继续为群众办实事。"),
    Matter("建议拓宽{place}通村公路",
           "{place}的通村公路只有3.5米宽，旅游大巴和农用车会车困难，经常堵车，建议拓宽改造。"
           "涉及征地和资金，希望统筹规划。",
           "道路交通/道路破损", "jt", ("suggest",),
           "已对该路段会车困难处增设错车道{n}处。", assist=("town", "zr"),
           plan="拓宽改造已列入明年农村公路提质改造计划，预计明年10月底前完工。", complex=True),
    Matter("{place}希望接通自来水",
           "{place}部分村民仍然饮用山塘水和井水，水质不稳定，旱季还缺水，希望接通城镇自来水管网。",
           "供水供电/停水", "sl", ("suggest", "help"),
           "已对该片区饮水水质进行检测，并为缺水农户临时送水。", assist=("zls", "town"),
           plan="管网延伸工程已列入农村供水保障项目，预计明年汛期前通水。", complex=True),
)  # fmt: skip


@dataclass(frozen=True)
class OutOfScope:
    title: str
    content: str
    reason: str  # ScopeReason code
    type: str


OUT_OF_SCOPE = (
    OutOfScope("咨询离婚财产分割",
               "准备起诉离婚，想咨询夫妻共同财产怎么分割，法院一般会怎么判。",
               "legal_procedure", "consult"),
    OutOfScope("反映部队训练声音大",
               "{place}附近部队训练场打靶声音很大，希望能减少训练时间。", "military", "complain"),
    OutOfScope("要求查询他人住址电话",
               "要求热线帮忙查一下一个亲戚现在的住址和手机号码。", "secrets", "help"),
    OutOfScope("反映长沙楼盘延期交房",
               "在长沙市雨花区买的商品房延期一年还没交房，开发商不给说法。",
               "out_of_jurisdiction", "complain"),
    OutOfScope("反映有人欺负自己",
               "有人欺负我，具体是谁、什么事情不方便说，你们去查一下。", "vague", "complain"),
    OutOfScope("再次反映已办结的路灯问题",
               "再次反映{place}路灯的事情，上周已经答复修好了，现在也是亮的，没有新情况，再确认一下。",
               "duplicate", "complain"),
    OutOfScope("邻居家冒烟起火",
               "{address}邻居家里冒烟了，好像起火了，家里可能有人！", "emergency", "urgent"),
    OutOfScope("咨询人大代表换届选举",
               "咨询村里怎么推荐人大代表候选人，下一次换届选举是什么时候。",
               "party_congress_cppcc", "consult"),
    OutOfScope("要求帮忙催讨赌债",
               "别人打牌欠我两万块钱一直不还，要求热线帮忙催讨。", "illegal", "help"),
)  # fmt: skip
