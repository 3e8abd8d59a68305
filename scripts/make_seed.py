"""Generate data/seed_projects.csv, an ILLUSTRATIVE list of the 200 projects of Qinghai's 2016
百项创新攻坚工程.

The real project list was an attachment to the 2016 implementation plan that is not at hand. This
list is invented so that it agrees with every published figure (200 projects, 182 enterprises,
1809 亿元 total, 327/288/39 亿元 planned for 2016, the four tackling sectors' counts and plans)
and follows what the plan says each sector builds. Enterprise names are fictional. Replace it by
importing the real list (`innovtrack import`) as soon as that list is available.

Deterministic: a fixed random seed, no network, standard library only. Money is handled as
integers of 0.1 万元 throughout, so every published sum is met exactly.

    python scripts/make_seed.py [--output PATH]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

SEED = 20160301
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data" / "seed_projects.csv"

HEADER = [
    "项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "行业", "建设性质",
    "总投资（万元）", "2016年计划投资（万元）", "责任单位", "计划开工时间", "计划投产时间",
    "主要建设内容",
]

TACKLING = "创新攻坚项目"
ENTERPRISE = "企业技术创新项目"

# Amounts below are in units of 0.1 万元 ("t"); 万元 × 10.
W = 10

# Published figures (万元 × 10). Only the plan figures and the grand total are published;
# the split of the total investment across groups is an illustrative design choice.
GRAND_TOTAL = 18_090_000 * W
PLAN = {"传统产业": 1_690_000 * W, "新兴产业": 985_000 * W, "节能环保": 65_000 * W,
        "电子信息": 140_000 * W, ENTERPRISE: 390_000 * W}
TOTAL = {"传统产业": 8_900_000 * W, "新兴产业": 6_600_000 * W, "节能环保": 300_000 * W,
         "电子信息": 780_000 * W}
TOTAL[ENTERPRISE] = GRAND_TOTAL - sum(TOTAL.values())

# Tackling sectors → industries with the number of projects in each (sums: 45, 44, 5, 6).
TACKLING_LAYOUT = [
    ("传统产业", [("有色", 14), ("化工", 15), ("装备制造", 9), ("轻工纺织", 7)]),
    ("新兴产业", [("新能源", 16), ("新材料", 17), ("生物医药", 11)]),
    ("节能环保", [("环保设备", 2), ("固废处置", 2), ("资源循环", 1)]),
    ("电子信息", [("家用电器", 1), ("LED", 2), ("电子产品", 3)]),
]
ENTERPRISE_LAYOUT = [("新能源", 15), ("装备制造", 14), ("新材料", 18), ("化工", 16),
                     ("生物医药", 16), ("有色和冶金", 12), ("轻工纺织", 9)]

# Relative size of a tackling project's 2016 plan by industry (salt-lake chemicals and
# non-ferrous smelting are the heavy ones).
INDUSTRY_SCALE = {"有色": 1.1, "化工": 1.2, "装备制造": 0.7, "轻工纺织": 0.6, "新能源": 1.2,
                  "新材料": 1.0, "生物医药": 0.5}

# Templates: (name, content, business word used in the invented enterprise name, params).
# {n} in name/content is replaced by one of params.
T = {
    "有色": [
        ("年产{n}万吨高性能铝合金板带箔项目", "新建熔铸、热连轧、冷轧及精整生产线，形成年产{n}万吨铝合金板带箔能力", "铝材", [10, 15, 20]),
        ("电解铝精深加工{n}万吨铝合金圆铸棒项目", "利用电解铝液直接生产铝合金圆铸棒，提高电解铝就地精深加工比例", "铝合金", [10, 20, 30]),
        ("年产{n}万吨高纯铝及电子铝箔项目", "采用三层液精炼和偏析法提纯工艺，建设高纯铝及电子铝箔生产线", "铝箔", [2, 3, 5]),
        ("年产{n}万吨汽车轻量化铝合金型材项目", "建设挤压、时效及深加工生产线，生产汽车及轨道交通用铝合金型材", "铝型材", [3, 5, 8]),
        ("年产{n}万只铝合金轮毂项目", "建设低压铸造、旋压及涂装生产线，年产铝合金车轮{n}万只", "轮毂制造", [100, 200, 300]),
        ("年产{n}万吨电解镍技术改造项目", "改造镍精矿冶炼及电解系统，扩大电解镍生产规模，配套建设钴回收装置", "镍业", [1, 2]),
        ("年产{n}万吨高纯阴极铜项目", "建设富氧熔炼、吹炼及电解精炼系统，年产高纯阴极铜{n}万吨并综合回收金银", "铜业", [5, 10]),
        ("年产{n}万吨高精度铜板带项目", "建设铜板带熔铸、轧制及表面处理生产线，产品用于电子及新能源领域", "铜材", [2, 3]),
        ("黄金冶炼及伴生资源综合回收项目", "建设金精矿焙烧氰化提金系统，综合回收铜、硫、银等伴生资源", "黄金冶炼", None),
        ("年处理{n}万吨难处理金矿选冶技术改造项目", "采用生物氧化预处理工艺，提高难处理金矿回收率，扩大黄金生产规模", "金业", [30, 50]),
        ("铅锌冶炼渣综合回收利用项目", "采用烟化炉及富氧侧吹工艺回收冶炼渣中铅、锌、铟等有价金属", "有色冶炼", None),
        ("年产{n}万吨铝合金焊丝及电工圆铝杆项目", "建设连铸连轧及拉丝生产线，生产铝合金焊丝及电工圆铝杆", "铝线材", [3, 5]),
        ("电解铝槽节能技术改造项目", "采用新型阴极结构及低电压节能技术改造电解槽，降低吨铝直流电耗", "电解铝", None),
        ("年产{n}万吨双零铝箔项目", "建设铸轧及箔轧生产线，生产包装及电子用双零铝箔", "铝业", [3, 5]),
        ("年产{n}万吨铜杆及高原型电力电缆项目", "建设上引连铸铜杆及电缆生产线，生产高原型电力电缆", "线缆", [5, 8]),
        ("钼铋多金属矿综合利用项目", "建设钼铋多金属矿选冶系统，提高有色金属资源综合利用率", "矿冶", None),
    ],
    "化工": [
        ("年产{n}万吨电池级碳酸锂项目", "以盐湖老卤为原料，采用吸附—膜分离耦合工艺提锂，年产电池级碳酸锂{n}万吨", "锂盐", [1, 2, 3]),
        ("盐湖卤水提锂技术产业化项目", "建设盐湖卤水吸附法提锂示范装置，突破高镁锂比卤水提锂技术瓶颈", "锂资源", None),
        ("年产{n}万吨单水氢氧化锂项目", "以工业级碳酸锂为原料，建设苛化法单水氢氧化锂生产线", "锂化学", [1, 2]),
        ("年产{n}吨金属锂及锂合金项目", "建设熔盐电解金属锂生产线及锂合金配套装置", "锂源", [500, 1000]),
        ("年产{n}万吨硼酸及硼系精细化工产品项目", "利用盐湖含硼卤水生产硼酸、硼砂、氧化硼等硼系产品", "硼化工", [2, 5]),
        ("年产{n}万吨硫酸钾镁肥项目", "利用盐湖光卤石及硫酸盐型卤水生产硫酸钾镁肥", "钾镁肥", [20, 30]),
        ("年产{n}万吨高纯氧化镁及氢氧化镁项目", "利用提钾老卤中的氯化镁生产高纯氧化镁及氢氧化镁阻燃剂", "镁盐", [3, 5, 10]),
        ("盐湖资源综合利用年产{n}万吨氯化钾扩能项目", "扩建反浮选冷结晶氯化钾装置，配套卤水采输及尾盐回收系统", "钾盐", [30, 50]),
        ("年产{n}万吨硝酸钾项目", "以氯化钾和硝酸钠为原料，采用复分解法生产工业及农用硝酸钾", "化肥", [5, 10]),
        ("年产{n}万吨纯碱技术改造项目", "采用联碱工艺改造纯碱生产系统，综合利用盐湖氯化钠资源", "碱业", [30, 50]),
        ("年产{n}万吨聚氯乙烯及配套烧碱项目", "建设离子膜烧碱及聚氯乙烯装置，消化盐湖氯资源，构建氯碱循环产业链", "氯碱化工", [20, 30]),
        ("年产{n}万吨溴素及溴系阻燃剂项目", "从盐湖卤水中提取溴素，延伸生产溴系阻燃剂", "精细化工", [1, 2]),
        ("年产{n}万吨碳酸锶及锶盐系列产品项目", "以天青石为原料生产碳酸锶、硝酸锶等锶盐系列产品", "锶盐", [2, 3]),
        ("盐湖卤水提铷铯中试及产业化项目", "建设盐湖卤水提取铷、铯等稀散元素中试装置和产业化生产线", "稀散化工", None),
        ("年产{n}万吨无水氯化钙项目", "利用纯碱生产废液生产二水及无水氯化钙，实现废液资源化", "钙盐", [10, 20]),
        ("盐湖镁资源综合利用配套化工项目", "建设氯化镁脱水及氯气回收配套化工装置，形成镁—氯循环产业链", "镁化工", None),
        ("年产{n}万吨高纯硫酸钾项目", "以盐湖钾资源为原料，采用改进工艺生产高纯硫酸钾", "钾业", [10, 20]),
    ],
    "装备制造": [
        ("重型数控龙门铣床及落地铣镗床扩能项目", "建设大型数控机床装配及精加工车间，扩大重型数控机床产能", "重型机床", None),
        ("年产{n}台重型数控卧式车床技术改造项目", "购置大型加工中心和检测设备，提升重型卧式车床精度和可靠性", "机床", [200, 300]),
        ("年产{n}套风电塔筒及风机零部件项目", "建设风电塔筒卷制、焊接及防腐生产线，配套风机法兰等零部件", "风电装备", [300, 500]),
        ("光伏支架及智能跟踪系统制造项目", "建设光伏固定支架、平单轴跟踪支架等新能源装备生产线，服务省内光伏电站建设", "新能源装备", None),
        ("光热发电定日镜及集热管制造项目", "建设定日镜及真空集热管生产线，配套光热电站建设", "光热装备", None),
        ("盐湖采收船及矿山机械制造项目", "研制盐湖采收船、卤水输送设备及矿山机械，提高盐湖开采装备水平", "矿山机械", None),
        ("高原型变压器及箱式变电站生产线项目", "建设高原型干式变压器及箱式变电站装配生产线", "电气设备", None),
        ("大型铸锻件技术改造项目", "改造中频炉及大型锻压设备，生产重型机床床身等大型铸锻件", "铸锻", None),
        ("年产{n}辆高原型专用汽车项目", "建设专用汽车改装及总装生产线，生产高原型环卫车、冷藏车等", "专用汽车", [1000, 2000]),
        ("锂电池生产成套装备制造项目", "研制涂布机、卷绕机等锂电池生产成套装备", "智能装备", None),
        ("数控机床关键功能部件产业化项目", "建设电主轴、刀库、数控转台等功能部件生产线", "精密机械", None),
    ],
    "轻工纺织": [
        ("年产{n}万平方米手工藏毯扩能项目", "扩建手工藏毯编织车间，配套洗毯、剪花工序，年产手工藏毯{n}万平方米", "藏毯", [10, 20]),
        ("年产{n}万平方米机织藏毯生产线技术改造项目", "引进阿克明斯特织机，改造机织藏毯生产线，扩大藏毯生产规模", "地毯", [100, 200]),
        ("藏毯毛纱洗染配套项目", "建设洗毛、梳毛、纺纱及染色生产线，配套藏毯产业集群", "毛纺", None),
        ("牦牛绒精深加工及服饰产品项目", "建设牦牛绒分梳、纺纱、织造生产线，开发牦牛绒服饰产品", "绒业", None),
        ("年产{n}万吨青稞精深加工项目", "建设青稞米、青稞粉及青稞β-葡聚糖生产线", "青稞食品", [3, 5]),
        ("年产{n}万吨高原特色乳制品项目", "建设牦牛乳、酸奶及奶粉生产线", "乳业", [3, 5]),
        ("藏式民族手工艺品产业化项目", "建设唐卡、堆绣、藏银等民族手工艺品研发及生产基地", "民族工艺", None),
        ("年产{n}万吨高原天然饮用水项目", "建设高原天然饮用水灌装生产线", "饮品", [20, 30]),
        ("藏毯设计研发及电子商务中心项目", "建设藏毯图案设计、打样中心及电子商务展销平台", "毯业", None),
    ],
    "新能源": [
        ("年产{n}MW单晶硅切方切片项目", "建设单晶硅棒切方及金刚线切片生产线，年产单晶硅片{n}MW", "光伏材料", [500, 1000]),
        ("年产{n}MW多晶硅铸锭及切片项目", "建设多晶硅铸锭、开方及切片生产线", "硅晶", [300, 500]),
        ("年产{n}MW高效晶硅光伏电池片项目", "建设PERC高效晶硅电池生产线，电池转换效率达到20%以上", "光伏科技", [200, 300, 500]),
        ("高效晶硅光伏电池片技术改造项目", "对现有电池生产线实施黑硅制绒、背钝化技术改造，提升电池转换效率", "太阳能", None),
        ("年产{n}MW高倍聚光光伏电池及组件项目", "建设三结砷化镓聚光电池芯片封装及聚光组件生产线", "聚光科技", [50, 100]),
        ("年产{n}万吨光热发电熔盐储热材料项目", "利用盐湖硝酸钾、硝酸钠生产光热发电用二元熔盐储热材料", "储能材料", [5, 10]),
        ("年产{n}MW光伏组件项目", "建设光伏组件层压、装框及测试生产线", "新能源", [300, 500]),
        ("年产{n}套风电叶片项目", "建设大型风电叶片模具及叶片生产线", "风能", [300, 400]),
        ("光伏逆变器及汇流设备产业化项目", "建设集中式和组串式光伏逆变器生产线", "电力电子", None),
        ("年产{n}吨多晶硅冷氢化技术改造项目", "改造冷氢化及精馏系统，提升多晶硅纯度和产能", "硅材料", [2000, 5000]),
        ("光热发电吸热器及储换热装备项目", "建设塔式吸热器及熔盐储换热装备生产线", "光热科技", None),
        ("年产{n}MW薄片化晶硅电池项目", "采用薄片化硅片及低温工艺，建设薄片化高效电池生产线", "光电", [200, 300]),
        ("光伏超白压延玻璃项目", "建设光伏超白压延玻璃及减反射镀膜生产线", "光伏玻璃", None),
        ("风光储一体化微电网装备项目", "研制储能变流器及微电网控制系统并实施产业化", "能源科技", None),
        ("年产{n}万吨光伏级高纯石英砂项目", "提纯石英原料生产光伏级高纯石英砂", "石英材料", [1, 2]),
        ("光热发电槽式反射镜项目", "建设槽式反射镜热弯、镀银生产线", "光热材料", None),
        ("多晶硅副产四氯化硅综合利用项目", "利用四氯化硅生产气相白炭黑，实现多晶硅副产物循环利用", "硅化工", None),
        ("N型双面高效电池中试线项目", "建设N型双面电池中试线，开展工艺研发及小批量生产", "光伏能源", None),
    ],
    "新材料": [
        ("年产{n}吨3D打印金属粉末材料项目", "采用等离子旋转电极雾化工艺，生产钛合金、铝合金3D打印粉末", "增材制造", [100, 300]),
        ("高性能轻金属合金材料项目", "建设铝锂合金、高强镁合金熔炼及加工生产线", "轻合金", None),
        ("年产{n}万吨镁合金及镁基材料项目", "以盐湖氯化镁为原料，生产镁合金锭及镁合金压铸件", "镁合金", [1, 2, 5]),
        ("年产{n}亿瓦时锂离子动力电池项目", "建设动力锂电池电芯及电池包生产线", "电池", [10, 20]),
        ("年产{n}万吨磷酸铁锂正极材料项目", "建设磷酸铁锂正极材料合成、烧结及粉碎生产线", "锂电材料", [1, 2]),
        ("年产{n}万吨三元正极材料项目", "建设镍钴锰三元前驱体及正极材料生产线", "能源材料", [1, 2]),
        ("年产{n}吨六氟磷酸锂及电解液项目", "以盐湖锂资源为原料，建设六氟磷酸锂及锂电池电解液生产线", "电解液", [2000, 3000]),
        ("年产{n}万吨锂电池负极材料项目", "建设人造石墨负极材料石墨化及加工生产线", "碳材料", [1, 2]),
        ("年产{n}万吨锂电铜箔项目", "建设高精度电解铜箔生产线，生产6—8微米锂电铜箔", "铜箔", [1, 2]),
        ("年产{n}万平方米锂电池隔膜项目", "建设湿法锂电池隔膜及涂覆隔膜生产线", "隔膜科技", [3000, 5000]),
        ("蓝宝石晶体及衬底材料项目", "建设蓝宝石晶体生长及LED衬底片加工生产线", "晶体材料", None),
        ("ITO靶材及光电功能材料项目", "建设ITO靶材及光电薄膜材料生产线", "光电材料", None),
        ("年产{n}吨碳纤维及复合材料项目", "建设碳纤维原丝、碳化及复合材料制品生产线", "复合材料", [500, 1000]),
        ("年产{n}万吨碳化硅及特种陶瓷材料项目", "利用高原电力资源生产碳化硅微粉及特种陶瓷", "特种陶瓷", [3, 5]),
        ("年产{n}万吨铝基复合材料项目", "生产铝基碳化硅复合材料及高导热铝基板", "铝基材料", [1, 2]),
        ("锰酸锂及钴酸锂正极材料扩能项目", "扩建锰酸锂、钴酸锂正极材料生产线", "新能源材料", None),
        ("年产{n}吨高纯金属镓及化合物半导体材料项目", "从氧化铝生产母液中回收金属镓，延伸生产化合物半导体材料", "半导体材料", [50, 100]),
        ("石墨烯及导电浆料产业化项目", "建设石墨烯粉体及锂电池导电浆料生产线", "纳米科技", None),
        ("年产{n}万吨高性能硅铝合金项目", "建设硅铝合金熔炼及铸造生产线", "合金材料", [2, 5]),
    ],
    "生物医药": [
        ("虫草精深加工及产业化项目", "建设冬虫夏草分级、冻干及系列产品生产线，建立质量追溯体系", "虫草", None),
        ("虫草菌丝体发酵及系列产品开发项目", "建设虫草菌丝体液体发酵车间及保健食品生产线", "生物工程", None),
        ("年加工{n}万吨枸杞精深加工项目", "建设枸杞清洗、烘干、制汁及枸杞多糖提取生产线", "枸杞", [1, 2]),
        ("黑枸杞花青素提取及系列产品项目", "建设黑枸杞原花青素提取纯化生产线，开发系列产品", "生物资源", None),
        ("中藏药现代化生产线GMP技术改造项目", "按新版GMP改造藏药丸剂、散剂、胶囊剂生产线", "藏药", None),
        ("藏药新药研发及产业化基地项目", "建设藏药研发中心、中试车间及产业化生产基地", "藏医药", None),
        ("中药饮片及配方颗粒项目", "建设中药饮片及中药配方颗粒生产线", "中药", None),
        ("年加工{n}吨沙棘精深加工项目", "建设沙棘果汁、沙棘籽油及沙棘黄酮提取生产线", "沙棘", [5000, 10000]),
        ("牦牛骨胶原蛋白肽产业化项目", "利用牦牛骨资源生产胶原蛋白肽", "生物制品", None),
        ("高原特色植物活性成分提取项目", "提取红景天苷、雪莲黄酮等高原植物活性成分", "天然药物", None),
        ("藏药材规范化种植及饮片加工基地项目", "建设大黄、秦艽等藏药材种植基地及饮片加工厂", "药材", None),
        ("枸杞籽油及枸杞功能食品项目", "建设枸杞籽油超临界萃取及枸杞功能食品生产线", "健康产业", None),
        ("菊芋菊粉及低聚果糖项目", "以菊芋为原料生产菊粉及低聚果糖", "生物科技", None),
    ],
    "环保设备": [
        ("高原型脱硫脱硝除尘环保设备制造项目", "建设高原型烟气脱硫脱硝及电袋除尘环保设备生产线", "环保设备", None),
        ("污水处理成套设备制造项目", "生产一体化污水处理设备及膜组件", "水处理", None),
        ("工业余热回收节能装备产业化项目", "研制工业余热回收及高效换热装备", "节能科技", None),
    ],
    "固废处置": [
        ("工业危险废物集中处置中心项目", "建设危险废物焚烧、安全填埋及物化处理设施，年处置工业危险固废{n}万吨", "环境治理", [3, 5]),
        ("电解铝废阴极及铝灰渣无害化处置项目", "采用火法处理电解铝废阴极炭块及铝灰渣，回收氟化盐和铝", "固废处置", None),
    ],
    "资源循环": [
        ("年处理{n}万吨工业固废资源循环利用项目", "利用电石渣、粉煤灰、冶炼渣生产新型建材", "资源再生", [50, 100]),
        ("废旧锂电池回收及资源循环利用项目", "建设废旧锂电池拆解及锂、钴、镍回收生产线", "再生资源", None),
    ],
    "家用电器": [
        ("年产{n}万台家用电器生产线项目", "建设冰箱、洗衣机等家用电器总装生产线", "电器", [30, 50]),
        ("太阳能热水器及小家电生产项目", "建设太阳能热水器及小家电生产线", "家电", None),
    ],
    "LED": [
        ("LED芯片及照明产品产业化项目", "建设LED外延片、芯片及照明灯具生产线", "光电科技", None),
        ("年产{n}万套LED照明灯具项目", "建设LED路灯、室内照明灯具生产线", "照明", [100, 200]),
        ("LED显示屏及智能照明项目", "建设LED显示屏模组及智能照明控制产品生产线", "显示科技", None),
    ],
    "电子产品": [
        ("智能终端电子产品生产项目", "建设智能手机、平板电脑等电子产品组装生产线", "电子科技", None),
        ("惠普创新服务基地建设项目", "建设软件开发、云计算及IT服务外包创新服务基地，促进两化融合", "信息技术", None),
        ("中关村科技成果转化基地建设项目", "建设科技成果转化孵化平台、中试基地及科技服务中心", "科技园发展", None),
    ],
}

# Enterprise technology-innovation projects by field: (name, content, business word).
E = {
    "新能源": [
        ("高转换效率晶体硅光伏电池研发及产业化项目", "开发转换效率20.5%以上的晶体硅电池工艺并实现量产", "光伏科技"),
        ("薄片化晶硅电池关键技术研发项目", "开发140微米以下薄片化硅片电池制备技术", "光电科技"),
        ("高倍聚光光伏电池组件研发项目", "开发高倍聚光光伏电池组件及跟踪控制技术", "聚光能源"),
        ("高性能动力锂电池研发及产业化项目", "开发高能量密度动力锂电池及电池管理系统", "电池"),
        ("储能用磷酸铁锂电池开发项目", "开发长循环寿命储能用磷酸铁锂电池及系统", "储能科技"),
        ("光热电站熔盐吸热器研制项目", "研制塔式光热电站熔盐吸热器并开展挂机试验", "光热科技"),
        ("光伏电站智能运维系统开发项目", "开发光伏电站远程监控及智能运维系统", "新能源"),
        ("金刚线切割多晶硅片技术改造项目", "采用金刚线切割及黑硅配套技术改造多晶硅片生产线", "硅晶"),
        ("双玻光伏组件新产品开发项目", "开发高原型双玻光伏组件新产品", "光伏"),
        ("高原型风电机组控制系统研发项目", "开发适应高海拔低温环境的风电机组控制系统", "风能科技"),
        ("晶硅电池黑硅制绒技术研发项目", "开发湿法黑硅制绒工艺，降低电池表面反射率", "太阳能"),
        ("锂电池梯次利用储能系统开发项目", "开发退役动力锂电池梯次利用储能系统", "能源科技"),
        ("分布式光伏并网逆变器开发项目", "开发高原型组串式并网逆变器", "电力电子"),
        ("N型单晶硅棒拉制技术研发项目", "开发N型单晶硅棒连续加料拉制技术", "单晶硅"),
        ("光伏电池背钝化技术改造项目", "实施背钝化及激光开槽技术改造，提升电池效率", "光能"),
        ("高原光伏组件抗衰减技术研发项目", "研究高原强紫外环境下光伏组件衰减机理及抗衰减封装技术", "光伏能源"),
        ("太阳能空气集热器开发项目", "开发用于供暖和工业干燥的太阳能空气集热器", "热能科技"),
    ],
    "装备制造": [
        ("高档数控机床研发及产业化项目", "开发高档数控机床并实现小批量生产", "数控机床"),
        ("五轴联动加工中心研制项目", "研制五轴联动立式加工中心", "机床"),
        ("数控机床电主轴研发项目", "开发高速电主轴及其热误差补偿技术", "精密机械"),
        ("数控刀库及自动换刀装置开发项目", "开发加工中心用圆盘式刀库及自动换刀装置", "机械制造"),
        ("重型数控立式车床新产品开发项目", "开发重型数控立式车床新产品", "重型机床"),
        ("精密数控磨床研制项目", "研制精密数控外圆磨床", "磨床"),
        ("卧式加工中心可靠性提升技术改造项目", "实施卧式加工中心装配工艺改造，提升整机可靠性", "装备制造"),
        ("盐湖采卤船智能控制系统研发项目", "研发盐湖采卤船自动定位及智能控制系统", "船舶装备"),
        ("高原型风机变桨轴承研制项目", "研制高原型风电机组变桨轴承", "轴承"),
        ("大型铸件消失模铸造技术改造项目", "采用消失模铸造工艺改造大型铸件生产线", "铸造"),
        ("数控系统及伺服驱动研发项目", "开发中高档数控系统及交流伺服驱动器", "自动化"),
        ("高原型矿用防爆设备研制项目", "研制高原型矿用隔爆型电气设备", "防爆电器"),
        ("光伏组件自动化生产装备研发项目", "开发光伏组件自动排版、层压及检测装备", "智能装备"),
        ("工业机器人系统集成应用项目", "开发工业机器人焊接、搬运系统集成应用", "机器人"),
        ("高原型专用车底盘改进研发项目", "开发适应高原工况的专用车底盘改进技术", "汽车制造"),
        ("滚珠丝杠及直线导轨研制项目", "研制数控机床用精密滚珠丝杠及直线导轨", "传动部件"),
    ],
    "新材料": [
        ("新型电子薄膜材料研发项目", "开发电子器件用新型功能薄膜材料", "薄膜材料"),
        ("锂电池高镍三元材料研发项目", "开发高镍三元正极材料合成及包覆技术", "锂电材料"),
        ("锂电池陶瓷涂层隔膜材料开发项目", "开发锂电池隔膜陶瓷涂层材料及涂覆工艺", "涂层材料"),
        ("铝合金表面功能涂层材料研发项目", "开发铝合金型材耐候及功能涂层材料", "表面技术"),
        ("高强高导铝基材料研发项目", "开发高强高导铝基导体材料", "铝基材料"),
        ("镁基储氢材料研发项目", "开发镁基储氢合金材料及储氢装置", "储氢材料"),
        ("高性能镁合金型材挤压技术开发项目", "开发高性能镁合金型材挤压及热处理技术", "镁材"),
        ("人工晶体生长技术研发及产业化项目", "开发大尺寸人工晶体生长技术并实现产业化", "晶体"),
        ("激光晶体材料研制项目", "研制掺钕钇铝石榴石等激光晶体材料", "激光材料"),
        ("锂电池硅碳负极材料开发项目", "开发硅碳复合负极材料", "碳素材料"),
        ("钛酸锂负极材料研发项目", "开发钛酸锂负极材料及其改性技术", "钛锂材料"),
        ("光学镀膜材料开发项目", "开发光学镀膜用氧化物及氟化物材料", "光学材料"),
        ("高纯碳化硅粉体制备技术研发项目", "开发高纯碳化硅粉体合成及分级技术", "碳化硅"),
        ("功能性纤维新型纺织材料开发项目", "开发抗菌、保暖功能性纤维及新型纺织材料", "纤维材料"),
        ("铝基碳化硅电子封装材料研发项目", "开发铝基碳化硅电子封装材料", "封装材料"),
        ("稀土镁合金新材料开发项目", "开发高强耐热稀土镁合金", "稀土合金"),
        ("柔性透明导电薄膜研发项目", "开发柔性透明导电薄膜及其涂布工艺", "功能薄膜"),
        ("固态锂电池电解质材料研发项目", "开发氧化物固态电解质材料", "电解质材料"),
        ("耐高温闪烁晶体研发项目", "研制耐高温闪烁晶体材料", "闪烁晶体"),
        ("牦牛毛纤维复合纺织材料开发项目", "开发牦牛毛纤维与化纤复合新型纺织材料", "新型纺织"),
    ],
    "化工": [
        ("盐湖提锂吸附剂研发及产业化项目", "开发高选择性铝系锂吸附剂并实现规模化生产", "锂盐"),
        ("高镁锂比卤水膜法提锂技术研发项目", "开发纳滤膜分离镁锂技术", "膜分离"),
        ("盐湖卤水萃取法提锂技术研发项目", "开发磷酸三丁酯萃取体系提锂工艺", "锂化工"),
        ("盐湖硼资源高效提取技术研发项目", "开发盐湖卤水硼酸萃取提取技术", "硼业"),
        ("高纯硼酸制备技术开发项目", "开发电子级高纯硼酸制备技术", "硼化学"),
        ("硼同位素分离技术研发项目", "开发硼-10同位素分离技术", "同位素"),
        ("电池级碳酸锂提纯技术改造项目", "采用碳化提纯工艺改造碳酸锂生产线，产品达到电池级", "锂能"),
        ("盐湖钾肥浮选药剂研发项目", "开发高效低耗氯化钾浮选药剂", "化学药剂"),
        ("氯化镁制备高纯氧化镁技术研发项目", "开发氯化镁热解制备高纯氧化镁技术", "镁盐"),
        ("硫酸钾镁肥新产品开发项目", "开发颗粒型硫酸钾镁肥新产品", "钾肥"),
        ("盐湖卤水提铷铯技术研发项目", "开发盐湖卤水铷、铯选择性提取技术", "稀有金属化工"),
        ("氢氧化镁阻燃剂表面改性技术开发项目", "开发氢氧化镁阻燃剂表面改性技术", "阻燃材料"),
        ("硼酸盐新产品开发项目", "开发硼酸锌、硼酸镁等硼酸盐新产品", "硼酸盐"),
        ("盐湖氯资源综合利用技术研发项目", "开发盐湖副产氯资源平衡利用技术", "氯碱"),
        ("锂电池电解液添加剂开发项目", "开发锂电池电解液成膜及阻燃添加剂", "化学品"),
        ("盐田卤水蒸发提效技术研发项目", "开发盐田卤水强化蒸发技术，提高盐田产能", "盐田工程"),
        ("硝酸钾熔盐新产品开发项目", "开发光热发电用低熔点硝酸盐熔盐新产品", "熔盐"),
        ("高纯氯化锂制备技术研发项目", "开发高纯无水氯化锂制备技术", "锂材料"),
    ],
    "生物医药": [
        ("生物质改性技术研发及产业化项目", "开发高原生物质改性技术并实现产业化", "生物质"),
        ("藏药创新药研发项目", "开展藏药创新药临床前研究及临床研究", "藏药"),
        ("特色中藏药二次开发及产业化项目", "对特色中藏药品种开展二次开发及产业化", "中藏药"),
        ("枸杞多糖提取纯化技术研发项目", "开发枸杞多糖高效提取纯化技术", "枸杞"),
        ("红景天苷提取技术及应用开发项目", "开发红景天苷提取技术及抗缺氧产品", "天然药物"),
        ("冬虫夏草质量标准研究项目", "开展冬虫夏草有效成分检测及质量标准研究", "虫草"),
        ("黑枸杞花青素稳定化技术开发项目", "开发黑枸杞花青素微囊化稳定技术", "生物资源"),
        ("沙棘黄酮提取及新产品开发项目", "开发沙棘黄酮提取技术及系列新产品", "沙棘"),
        ("藏药经典名方制剂开发项目", "开发藏药经典名方现代制剂", "藏医药"),
        ("牦牛乳活性成分提取技术研发项目", "开发牦牛乳乳铁蛋白等活性成分提取技术", "生物制品"),
        ("菊粉低聚果糖酶法生产技术开发项目", "开发酶法生产低聚果糖技术", "生物科技"),
        ("藏茵陈保肝新药开发项目", "开展藏茵陈保肝新药研发", "制药"),
        ("青稞β-葡聚糖提取技术研发项目", "开发青稞β-葡聚糖提取及纯化技术", "青稞生物"),
        ("秸秆生物质改性饲料开发项目", "开发农作物秸秆生物质改性饲料", "生态科技"),
        ("中藏药提取物标准化生产技术改造项目", "实施中藏药提取物标准化生产技术改造", "植物提取"),
        ("高原微生物发酵制品开发项目", "开发高原特色微生物发酵制品", "发酵科技"),
        ("藏药外用制剂新产品开发项目", "开发藏药外用制剂新产品", "医药"),
        ("雪菊黄酮提取及产业化项目", "开发雪菊黄酮提取技术并实现产业化", "健康科技"),
    ],
    "有色和冶金": [
        ("高强度铝合金新产品开发项目", "开发高强度铝合金新产品", "铝合金"),
        ("铝镁合金线材研发项目", "开发架空导线用铝镁合金线材", "线材"),
        ("铜镍合金新产品开发项目", "开发铜镍合金管材新产品", "铜合金"),
        ("硅铁冶炼余热发电节能改造项目", "利用硅铁矿热炉余热发电，降低综合能耗", "硅铁"),
        ("冶炼烟气制酸及节能减排技术改造项目", "实施冶炼烟气制酸及节能减排技术改造", "冶炼"),
        ("特种钢新型合金产品开发项目", "开发特种钢新型合金产品", "特钢材料"),
        ("锌冶炼浸出渣综合回收技术研发项目", "开发锌浸出渣中铟、银等有价金属综合回收技术", "锌业"),
        ("电解铝阳极炭块节能技术研发项目", "开发低电耗预焙阳极炭块生产技术", "炭素"),
        ("铁合金矿热炉节能技术改造项目", "实施铁合金矿热炉密闭及节能技术改造", "铁合金"),
        ("钛合金材料熔炼技术研发项目", "开发钛合金真空自耗熔炼技术", "钛业"),
        ("铝电解烟气余热利用技术改造项目", "实施铝电解烟气余热回收利用技术改造", "冶金科技"),
        ("镍钴渣综合回收技术研发项目", "开发镍冶炼渣中镍、钴综合回收技术", "镍钴"),
        ("高纯铜杆连铸连轧技术改造项目", "实施高纯铜杆连铸连轧技术改造", "铜业"),
        ("铝合金车轮轻量化技术研发项目", "开发铝合金车轮轻量化设计及旋压工艺", "车轮"),
    ],
    "轻工纺织": [
        ("藏毯新图案新工艺开发项目", "开发藏毯新图案及新工艺", "藏毯"),
        ("牦牛绒新型纺织面料开发项目", "开发牦牛绒新型纺织面料", "绒纺"),
        ("藏毯防虫防霉整理技术研发项目", "开发藏毯防虫防霉整理技术", "毯业"),
        ("青稞功能食品新产品开发项目", "开发青稞功能食品新产品", "青稞食品"),
        ("牦牛乳制品新产品开发项目", "开发牦牛乳制品新产品", "乳品"),
        ("藏系羊毛精细化纺纱技术改造项目", "实施藏系羊毛精细化纺纱技术改造", "毛纺"),
        ("高原天然饮用水新产品开发项目", "开发高原天然饮用水新产品", "饮品"),
        ("民族服饰新产品开发项目", "开发民族服饰新产品", "服饰"),
        ("藏毯数字化设计系统开发项目", "开发藏毯数字化图案设计系统", "地毯"),
        ("青稞酒酿造工艺技术改造项目", "实施青稞酒酿造工艺技术改造", "酿造"),
        ("枸杞饮品新产品开发项目", "开发枸杞饮品新产品", "食品"),
    ],
}

# Projects always on the list because the plan names what they build (by a unique part of the
# name); the rest of each industry's places are drawn from its other templates.
FORCED = [
    "电解铝精深加工", "电解镍", "阴极铜", "黄金冶炼", "电池级碳酸锂项目", "提锂技术产业化", "硼酸及硼系",
    "龙门铣床", "光伏支架", "手工藏毯", "机织藏毯", "切方切片", "MW高效晶硅", "高倍聚光光伏电池及",
    "熔盐储热", "多晶硅铸锭", "3D打印", "轻金属合金", "锂离子动力电池", "磷酸铁锂正极", "ITO靶材",
    "蓝宝石", "虫草精深加工", "枸杞精深加工", "中藏药现代化", "脱硫脱硝", "危险废物",
    "工业固废资源循环", "家用电器生产线",
    "高转换效率", "薄片化晶硅电池关键", "高倍聚光光伏电池组件", "高性能动力锂电池", "高档数控机床",
    "五轴联动加工中心", "电主轴", "电子薄膜", "高镍三元", "陶瓷涂层", "新型纺织材料", "高强高导铝基",
    "镁基储氢", "人工晶体", "激光晶体", "盐湖提锂吸附剂", "盐湖硼资源", "生物质改性技术", "藏药创新药",
    "中藏药二次开发", "红景天", "高强度铝合金新产品", "特种钢新型合金",
]


def pick(rng: random.Random, templates: list, count: int) -> list:
    """`count` templates: every FORCED one, the rest at random; kept in catalogue order."""
    forced = [t for t in templates if any(f in t[0] for f in FORCED)]
    others = [t for t in templates if t not in forced]
    assert len(forced) <= count, templates[0]
    chosen = forced + rng.sample(others, count - len(forced))
    return [t for t in templates if t in chosen]


# Where each kind of industry sits (relative weights). Xining's parks (南川/东川/甘河/生物园区)
# and Haixi (盐湖化工, 格尔木/德令哈) dominate; then Haidong's parks (乐都/平安/民和).
REGION_WEIGHTS = {
    "有色": {"西宁市": 4, "海东市": 3, "海西州": 3, "海北州": 1.5, "果洛州": 0.3, "省直": 1},
    "化工": {"海西州": 9, "西宁市": 2, "海东市": 1, "省直": 1},
    "装备制造": {"西宁市": 7, "海东市": 2, "海西州": 1, "省直": 0.5},
    "轻工纺织": {"西宁市": 4, "海东市": 3, "海南州": 1, "黄南州": 1.5, "海北州": 1},
    "新能源": {"西宁市": 5, "海西州": 4, "海南州": 0.8, "海东市": 1, "省直": 0.5},
    "新材料": {"西宁市": 5, "海东市": 2.5, "海西州": 2.5, "省直": 0.5},
    "生物医药": {"西宁市": 6, "海西州": 2, "海东市": 1.5, "海北州": 0.7, "黄南州": 1,
             "海南州": 0.7, "玉树州": 0.8, "果洛州": 0.5},
    "节能环保": {"西宁市": 3, "海东市": 1.5, "海西州": 1.5},
    "电子信息": {"西宁市": 5, "海东市": 1},
}
INDUSTRY_TO_REGION_KEY = {
    "有色": "有色", "有色和冶金": "有色", "化工": "化工", "装备制造": "装备制造",
    "轻工纺织": "轻工纺织", "新能源": "新能源", "新材料": "新材料", "生物医药": "生物医药",
    "环保设备": "节能环保", "固废处置": "节能环保", "资源循环": "节能环保",
    "家用电器": "电子信息", "LED": "电子信息", "电子产品": "电子信息",
}
# Finer placement by what the project makes (first matching keyword wins): cordyceps from
# Yushu/Golog, wolfberry from Qaidam, carpets and yak products from the eastern farming areas.
REGION_HINTS = [
    ("虫草", {"西宁市": 4, "玉树州": 1.5, "果洛州": 1}),
    ("冬虫夏草", {"西宁市": 4, "玉树州": 1.5, "果洛州": 1}),
    ("枸杞", {"海西州": 5, "西宁市": 2, "海南州": 0.5}),
    ("藏药", {"西宁市": 5, "黄南州": 1.5, "海北州": 1, "海南州": 1, "果洛州": 0.3, "玉树州": 0.3}),
    ("藏毯", {"西宁市": 4, "海东市": 2, "海南州": 1, "黄南州": 1.5}),
    ("牦牛", {"西宁市": 3, "海北州": 2, "海南州": 1, "黄南州": 1, "玉树州": 0.3}),
    ("青稞", {"海东市": 3, "海北州": 2, "西宁市": 2}),
    ("乳", {"西宁市": 2, "海北州": 2, "海南州": 1}),
    ("沙棘", {"海东市": 2, "西宁市": 2, "海北州": 1}),
    ("饮用水", {"海北州": 2, "西宁市": 1, "玉树州": 0.3}),
    ("光热", {"海西州": 5, "西宁市": 2}),
    ("黄金", {"海西州": 2, "果洛州": 1, "海南州": 1, "海北州": 1}),
    ("金矿", {"海西州": 2, "果洛州": 1, "海南州": 1, "海北州": 1}),
]

# Relative size of a project by what it is (first matching keyword wins; default 1).
SIZE_HINTS = [
    ("氯化钾扩能", 2.5), ("聚氯乙烯", 2.2), ("纯碱", 1.8), ("电池级碳酸锂项目", 2.0),
    ("阴极铜", 1.8), ("板带箔", 1.6), ("冷氢化", 2.0), ("锂离子动力电池", 1.8),
    ("切方切片", 1.5), ("MW高效晶硅", 1.5), ("中关村", 1.3), ("惠普", 1.3),
    ("中试", 0.4), ("设计研发", 0.2), ("民族手工艺", 0.3), ("逆变器", 0.5), ("牦牛绒", 0.5),
    ("饮用水", 0.4), ("菊芋", 0.4), ("中药饮片", 0.5), ("余热回收", 0.5), ("节能技术改造", 0.7),
    # enterprise projects: industrialisation and retrofits are larger than pure R&D
    ("产业化", 1.6), ("技术改造", 1.4), ("研发项目", 0.8), ("研制项目", 0.8),
]

# Enterprises that run two projects (18 of 182): (leader, follower) by a unique part of the
# project name; the follower takes the leader's enterprise and region. Candidates are taken in
# a shuffled order while both projects are on the list: first N_SHARED_TACKLING pairs of two
# tackling projects, then N_SHARED_CROSS tackling + enterprise pairs, each of related business.
SHARED_TACKLING = [
    ("阴极铜", "铜板带"), ("板带箔", "双零铝箔"), ("切方切片", "MW高效晶硅"),
    ("手工藏毯", "藏毯设计研发"), ("硫酸钾镁肥项目", "高纯硫酸钾"), ("磷酸铁锂正极", "锰酸锂"),
]
SHARED_CROSS = [
    ("电池级碳酸锂项目", "盐湖提锂吸附剂"), ("提锂技术产业化", "膜法提锂"), ("氢氧化锂", "碳酸锂提纯"),
    ("金属锂", "高纯氯化锂"), ("硼酸及硼系", "高纯硼酸"), ("硫酸钾镁肥项目", "硫酸钾镁肥新产品"),
    ("高纯氧化镁", "氢氧化镁阻燃剂"), ("氯化钾扩能", "浮选药剂"), ("聚氯乙烯", "氯资源综合利用"),
    ("提铷铯中试", "提铷铯技术"), ("龙门铣床", "立式车床"), ("卧式车床", "高档数控机床"),
    ("关键功能部件", "电主轴"), ("采收船", "采卤船"), ("大型铸锻件", "消失模"),
    ("手工藏毯", "新图案"), ("机织藏毯", "防虫防霉"), ("毛纱洗染", "羊毛精细化纺纱"),
    ("牦牛绒精深加工", "牦牛绒新型"), ("青稞精深加工", "青稞功能食品"), ("乳制品项目", "牦牛乳制品"),
    ("MW高效晶硅", "高转换效率"), ("电池片技术改造", "黑硅制绒"), ("高倍聚光光伏电池及", "高倍聚光光伏电池组件"),
    ("MW薄片化", "薄片化晶硅电池关键"), ("多晶硅铸锭", "金刚线"), ("吸热器及储换热", "熔盐吸热器"),
    ("熔盐储热材料", "硝酸钾熔盐"), ("镁合金及镁基", "镁合金型材"), ("锂电池隔膜", "陶瓷涂层隔膜"),
    ("锂电池负极材料项目", "硅碳负极"), ("三元正极材料项目", "高镍三元"), ("蓝宝石", "人工晶体"),
    ("ITO靶材", "柔性透明"), ("铝基复合材料", "铝基碳化硅"), ("枸杞精深加工", "枸杞多糖"),
    ("花青素提取及", "花青素稳定化"), ("中藏药现代化", "中藏药二次开发"), ("藏药新药研发", "藏药创新药"),
    ("虫草精深加工", "冬虫夏草质量"), ("沙棘精深加工", "沙棘黄酮"), ("植物活性成分", "红景天"),
    ("菊芋", "菊粉低聚果糖"), ("电解镍", "镍钴渣"), ("阴极铜", "冶炼烟气制酸"), ("轮毂", "车轮轻量化"),
    ("铜杆及", "高纯铜杆"), ("铅锌冶炼渣", "锌冶炼浸出渣"), ("电解铝槽节能", "铝电解烟气"),
    ("焊丝", "铝镁合金线材"), ("板带箔", "高强度铝合金"), ("锂离子动力电池", "动力锂电池研发"),
    ("磷酸铁锂正极", "储能用磷酸铁锂"), ("六氟磷酸锂", "电解液添加剂"), ("碳化硅及特种陶瓷", "高纯碳化硅"),
]

REGIONS = ["西宁市", "海东市", "海北州", "黄南州", "海南州", "果洛州", "玉树州", "海西州", "省直"]

# Place words for invented enterprise names, by region (counties and towns of that region).
PLACE = {
    "西宁市": ["青海", "西宁", "湟中", "大通", "湟源"],
    "海东市": ["海东", "乐都", "平安", "民和", "互助", "循化"],
    "海西州": ["格尔木", "德令哈", "海西", "柴达木", "大柴旦", "乌兰", "都兰"],
    "海北州": ["海北", "门源", "刚察", "海晏"],
    "海南州": ["共和", "贵德", "贵南", "同德"],
    "黄南州": ["黄南", "同仁", "尖扎"],
    "果洛州": ["果洛", "玛沁"],
    "玉树州": ["玉树", "称多", "囊谦"],
    "省直": ["青海"],
}
# Invented two-character brand words: every company gets its own, so no two collide.
BRAND_FIRST = "澜曜垣峦翊琮岚珩璟昶骁霁璞嵘砚朔湛沐麓峤"
BRAND_SECOND = "晶拓川禾辉源盈衡锐屹曦岳泓铖邦"

# Real companies (or distinctive parts of their names) the invented names must not echo.
REAL_NAME_PARTS = [
    "盐湖股份", "盐湖工业", "西部矿业", "亚洲硅业", "黄河水电", "黄河上游", "青海锂业", "中信国安",
    "国安", "比亚迪", "西宁特殊钢", "西宁特钢", "桥头铝电", "百河", "华鼎", "金瑞", "藏格", "蓝科",
    "庆华", "宜化", "五彩碱业", "中浩", "发投", "东台吉乃尔", "恒信融", "泰丰", "佛照", "时代",
    "尚德", "天合", "阿特斯", "英利", "丽豪", "圣源", "藏羊", "金诃", "晶珠", "康普", "三江源",
    "天佑德", "互助青稞酒", "一机", "昆仑", "中铝", "五矿", "鲁丰", "春天", "可可西里", "雪舟",
    "晶科", "隆基", "中利", "阳光", "正泰", "特变", "华能", "国电", "大唐", "华电", "中广核",
]

RESPONSIBLE = {
    "西宁市": ["西宁市经济和信息化委员会"] * 3 + ["西宁经济技术开发区管理委员会"],
    "海东市": ["海东市经济和信息化委员会"] * 3 + ["海东工业园区管理委员会"],
    "海西州": ["海西州工业和信息化局"] * 3 + ["柴达木循环经济试验区管理委员会"],
    "海北州": ["海北州工业和信息化局"],
    "海南州": ["海南州工业和信息化局"],
    "黄南州": ["黄南州工业和信息化局"],
    "果洛州": ["果洛州工业和信息化局"],
    "玉树州": ["玉树州工业和信息化局"],
    "省直": ["省经济和信息化委", "省经济和信息化委", "省国资委", "省科技厅", "省发展改革委"],
}

N_NEW = {TACKLING: 40, ENTERPRISE: 40}  # 80 of 200 新建 (40%)
N_DONE_2016 = {"续建": 42, "新建": 8}      # 50 of 200 planned to complete within 2016
N_LATE_START = 5                           # 新建 projects starting after June
N_SHARED_CROSS = 15                        # enterprises with one tackling + one enterprise project
N_SHARED_TACKLING = 3                      # enterprises with two tackling projects


def hint(hints: list, name: str, default):
    """The value of the first (keyword, value) in `hints` whose keyword occurs in `name`."""
    return next((value for word, value in hints if word in name), default)


def weighted_choice(rng: random.Random, weights: dict) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def int_weights(rng: random.Random, n: int, sigma: float, scales=None) -> list[int]:
    """Random positive integer weights (floats only choose the weights, never an amount)."""
    scales = scales or [1.0] * n
    return [max(1, round(rng.lognormvariate(0.0, sigma) * s * 1000)) for s in scales]


def allocate(total: int, weights: list[int], unit: int, minimum: list[int]) -> list[int]:
    """Split integer `total` into multiples of `unit` proportional to `weights`, exactly.

    Largest-remainder apportionment; then every share is lifted to its `minimum` (in units)
    by taking units from the largest shares.
    """
    assert total % unit == 0, (total, unit)
    units = total // unit
    wsum = sum(weights)
    shares = [units * w // wsum for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(units * weights[i] % wsum), i))
    for i in order[: units - sum(shares)]:
        shares[i] += 1
    for i, need in enumerate(minimum):
        while shares[i] < need:
            j = max(range(len(shares)), key=lambda k: (shares[k] - minimum[k], -k))
            assert shares[j] > minimum[j], "total too small for the minimums"
            shares[j] -= 1
            shares[i] += 1
    assert sum(shares) == units
    return [s * unit for s in shares]


def perturb(rng: random.Random, values: list[int], floors: list[int], pairs: int,
            step: int, decimal: bool = False) -> None:
    """Move amounts between pairs of items (sum unchanged) so not every figure is round.

    A move is 1–9 `step`s, or with `decimal` 1–99.x 万元 with a non-zero tenth.
    """
    n = len(values)
    for _ in range(pairs):
        for _attempt in range(50):
            a, b = rng.randrange(n), rng.randrange(n)
            d = rng.randint(1, 99) * W + rng.randint(1, 9) if decimal else rng.randint(1, 9) * step
            if a != b and values[b] - d >= floors[b]:
                values[a] += d
                values[b] -= d
                break


def fmt_amount(t: int) -> str:
    """0.1 万元 integer → plain 万元 text: '35000' or '1234.5'."""
    assert t > 0
    return str(t // 10) if t % 10 == 0 else f"{t // 10}.{t % 10}"


def ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def build(rng: random.Random) -> list[dict]:
    projects: list[dict] = []

    # 1. What each project is.
    for sector, industries in TACKLING_LAYOUT:
        for industry, count in industries:
            templates = T[industry]
            chosen = pick(rng, templates, count)
            assert len(chosen) == count
            for name, content, biz, params in chosen:
                n = rng.choice(params) if params else None
                projects.append({
                    "类别": TACKLING, "领域": sector, "行业": industry,
                    "项目名称": name.format(n=n), "主要建设内容": content.format(n=n), "biz": biz,
                    "group": sector, "region_key": INDUSTRY_TO_REGION_KEY[industry],
                    "scale": INDUSTRY_SCALE.get(industry, 1.0) * hint(SIZE_HINTS, name, 1.0),
                })
    for field, count in ENTERPRISE_LAYOUT:
        for name, content, biz in pick(rng, E[field], count):
            projects.append({
                "类别": ENTERPRISE, "领域": field, "行业": "",
                "项目名称": name, "主要建设内容": content, "biz": biz,
                "group": ENTERPRISE, "region_key": INDUSTRY_TO_REGION_KEY[field],
                "scale": hint(SIZE_HINTS, name, 1.0),
            })
    tack = [p for p in projects if p["类别"] == TACKLING]
    ent = [p for p in projects if p["类别"] == ENTERPRISE]
    for i, p in enumerate(tack, 1):
        p["项目编号"] = f"CX-{i:03d}"
    for i, p in enumerate(ent, 1):
        p["项目编号"] = f"QY-{i:03d}"

    # 2. Where it is.
    for p in projects:
        if "惠普" in p["项目名称"] or "中关村" in p["项目名称"]:
            p["所在地区"] = "西宁市"
        else:
            weights = hint(REGION_HINTS, p["项目名称"], REGION_WEIGHTS[p["region_key"]])
            p["所在地区"] = weighted_choice(rng, weights)

    # 3. Who runs it: 18 enterprises run two projects, every other enterprise one.
    def find(part: str, pool: list[dict]) -> dict | None:
        hits = [p for p in pool if part in p["项目名称"]]
        assert len(hits) <= 1, part
        return hits[0] if hits else None

    leader_of: dict[str, dict] = {}  # follower code → leader project
    used: set[str] = set()
    for candidates, follower_pool, wanted in ((SHARED_TACKLING, tack, N_SHARED_TACKLING),
                                              (SHARED_CROSS, ent, N_SHARED_CROSS)):
        got = 0
        for lead_part, follow_part in rng.sample(candidates, len(candidates)):
            if got == wanted:
                break
            lead, follow = find(lead_part, tack), find(follow_part, follower_pool)
            if lead and follow and lead is not follow and not {lead["项目编号"], follow["项目编号"]} & used:
                used |= {lead["项目编号"], follow["项目编号"]}
                leader_of[follow["项目编号"]] = lead
                follow["所在地区"] = lead["所在地区"]
                got += 1
        assert got == wanted, "not enough related pairs on the list"

    brands = [a + b for a in BRAND_FIRST for b in BRAND_SECOND]
    rng.shuffle(brands)
    for p in projects:
        if p["项目编号"] in leader_of:
            continue
        region = p["所在地区"]
        if region == "省直":
            suffix = rng.choice(["集团有限公司", "集团有限公司", "股份有限公司"])
        else:
            suffix = rng.choice(["有限公司"] * 6 + ["股份有限公司", "有限责任公司"])
        p["项目单位"] = f"{rng.choice(PLACE[region])}{brands.pop()}{p['biz']}{suffix}"
    for p in projects:
        if p["项目编号"] in leader_of:
            p["项目单位"] = leader_of[p["项目编号"]]["项目单位"]

    # Responsible units follow the region; co-responsible provincial departments for some.
    for p in projects:
        unit = rng.choice(RESPONSIBLE[p["所在地区"]])
        if p["所在地区"] != "省直":
            if p["类别"] == ENTERPRISE and rng.random() < 0.3:
                unit += "、省科技厅"
            elif p["类别"] == TACKLING and rng.random() < 0.15:
                unit += "、省发展改革委"
        p["责任单位"] = unit

    # 4. Stage and schedule.
    for cat, pool in ((TACKLING, tack), (ENTERPRISE, ent)):
        new = set(rng.sample(range(len(pool)), N_NEW[cat]))
        for i, p in enumerate(pool):
            p["建设性质"] = "新建" if i in new else "续建"
    cont = [p for p in projects if p["建设性质"] == "续建"]
    new = [p for p in projects if p["建设性质"] == "新建"]
    # Small enterprise projects are the new ones that can finish within the year.
    new_small = [p for p in new if p["类别"] == ENTERPRISE]
    done_2016 = {id(p) for p in rng.sample(cont, N_DONE_2016["续建"])}
    done_2016 |= {id(p) for p in rng.sample(new_small, N_DONE_2016["新建"])}
    late = rng.sample([p for p in new if id(p) not in done_2016], N_LATE_START)
    late_ids = {id(p) for p in late}

    for p in projects:
        finishes_2016 = id(p) in done_2016
        if finishes_2016:
            end_year = 2016
        elif p["建设性质"] == "续建":
            end_year = weighted_choice(rng, {2017: 45, 2018: 35, 2019: 20})
        else:
            end_year = weighted_choice(rng, {2017: 50, 2018: 30, 2019: 20})
        if p["建设性质"] == "续建":
            start_year = weighted_choice(rng, {
                2016: {2013: 3, 2014: 4, 2015: 3},
                2017: {2013: 1, 2014: 4, 2015: 5},
            }.get(end_year, {2014: 3, 2015: 7}))
            start_month = rng.randint(3, 11)
        elif id(p) in late_ids:
            start_year, start_month = 2016, rng.randint(7, 9)
        else:
            start_year = 2016
            start_month = weighted_choice(rng, {2: 1, 3: 3, 4: 4, 5: 4, 6: 3})
        if end_year == 2016:
            lo = 6 if p["建设性质"] == "续建" else max(6, start_month + 4)
            end_month = rng.randint(lo, 12)
        else:
            end_month = weighted_choice(rng, {m: (2 if m >= 6 else 1) for m in range(1, 13)})
        p["计划开工时间"] = ym(start_year, start_month)
        p["计划投产时间"] = ym(end_year, end_month)
        p["end_year"] = end_year

    # 5. Money, group by group, in 0.1 万元.
    for group in ("传统产业", "新兴产业", "节能环保", "电子信息", ENTERPRISE):
        members = [p for p in projects if p["group"] == group]
        n = len(members)
        is_ent = group == ENTERPRISE
        unit = 10 * W if is_ent else 100 * W
        sigma = 0.6 if is_ent else 0.55
        scales = []
        for p in members:
            s = p["scale"]
            if is_ent and p["建设性质"] == "新建" and p["end_year"] == 2016:
                s *= 0.5
            scales.append(s)
        weights = int_weights(rng, n, sigma, scales)
        plan_min = [(20 if is_ent else 8) for _ in members]  # in units: 200 / 800 万元
        plans = allocate(PLAN[group], weights, unit, plan_min)
        # Not every figure is round: integer nudges, and a few with one decimal place.
        floors = [m * unit for m in plan_min]
        step = W if is_ent else 10 * W
        perturb(rng, plans, floors, n // 4, step)
        decimals = {"传统产业": 1, ENTERPRISE: 2}.get(group, 0)
        perturb(rng, plans, floors, decimals, step, decimal=True)

        # Total = 2016 plan + the rest (earlier years for 续建, later years for long projects),
        # so plan ≤ total by construction.
        factor = []
        for p in members:
            if p["end_year"] == 2016:
                f = rng.uniform(0.3, 1.5) if p["建设性质"] == "续建" else rng.uniform(0.05, 0.4)
            else:
                lo, hi = {2017: (1.5, 4), 2018: (3, 7), 2019: (5, 10)}[p["end_year"]]
                if is_ent:  # technology projects run over fewer years' money
                    lo, hi = lo * 0.6, hi * 0.5
                f = rng.uniform(lo, hi)
            factor.append(f)
        ew = [max(1, round(pl * f / 1000)) for pl, f in zip(plans, factor, strict=True)]
        ext_min = [1 if p["建设性质"] == "续建" else 0 for p in members]
        extras = allocate(TOTAL[group] - PLAN[group], ew, unit, ext_min)
        efloors = [m * unit for m in ext_min]
        perturb(rng, extras, efloors, n // 4, step)
        edec = {"新兴产业": 1, ENTERPRISE: 1}.get(group, 0)
        perturb(rng, extras, efloors, edec, step, decimal=True)
        for p, pl, ex in zip(members, plans, extras, strict=True):
            p["plan_t"] = pl
            p["total_t"] = pl + ex
    return projects


def self_check(projects: list[dict]) -> None:
    """Refuse to write a list that disagrees with a published figure."""
    assert len(projects) == 200
    assert len({p["项目单位"] for p in projects}) == 182
    assert len({p["项目名称"] for p in projects}) == 200
    assert sum(p["total_t"] for p in projects) == GRAND_TOTAL
    for group, amount in PLAN.items():
        assert sum(p["plan_t"] for p in projects if p["group"] == group) == amount, group
    assert all(0 < p["plan_t"] <= p["total_t"] for p in projects)
    assert all(p["所在地区"] in REGIONS for p in projects)
    owner_region: dict[str, str] = {}
    for p in projects:
        assert owner_region.setdefault(p["项目单位"], p["所在地区"]) == p["所在地区"]
        for part in REAL_NAME_PARTS:
            assert part not in p["项目单位"], (part, p["项目单位"])
        assert p["计划开工时间"] <= p["计划投产时间"]


def write_csv(projects: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for p in projects:
            row = dict(p)
            row["总投资（万元）"] = fmt_amount(p["total_t"])
            row["2016年计划投资（万元）"] = fmt_amount(p["plan_t"])
            w.writerow([row[h] for h in HEADER])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                    help=f"where to write the CSV (default: {DEFAULT_OUTPUT})")
    args = ap.parse_args(argv)
    projects = build(random.Random(SEED))
    self_check(projects)
    write_csv(projects, args.output)
    print(f"wrote {len(projects)} projects to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
