/* cli/help_zh.c — the help of every command in Chinese (the default) beside the English texts in
 * the commands' own files; tests/help_check.py keeps the two in step (same options). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define LOAD_HELP_ZH                                                                            \
    "读表选项：\n"                                                                               \
    "  --delimiter C       单元格分隔符：','、';'、'|' 或 'tab'（默认：自动识别）\n"              \
    "  --encoding ENC      UTF-8、GB18030、GBK、UTF-16 …（默认：自动识别）\n"                    \
    "  --name COL          单位名称所在列（默认：单位、拨款单位 … 或第一列）\n"                   \
    "  --total COL         全年合计列（默认：全年应拨付资金合计、合计、总额 …）\n"                \
    "  --advance COL       已提前下达列\n"                                                       \
    "  --batch COL         此次下达列\n"                                                         \
    "  --categories A,B,…  类别列（默认：名称列与合计列之间的各列）\n"                           \
    "  --sheet NAME|N      XLSX 文件的工作表（默认：第一个含表格的工作表）\n"                    \
    "  --layout L          auto（默认）、canonical（有级次/上级列）或 notice（通知印发格式）\n"  \
    "  --to-unit U         把金额换算为 元、万元 或 亿元\n"                                    \
    "  --table N           PDF 或从中复制的文字：读第 N 个表（默认：各行能加总成层级的最大一个）\n"

typedef struct help_zh {
    const char *command;
    const char *summary; /* one line in 'fenpei --help' */
    const char *text;    /* 'fenpei COMMAND --help' */
} help_zh;

static const help_zh helps[] = {
    {"check", "核对分配表的每一个平衡关系，并指出可能原因",
     "用法：fenpei check [选项] 表\n"
     "      fenpei check [选项] 表 --letter 通知正文\n"
     "      fenpei check [选项] 文件|文件夹…   （多个表：一份汇总）\n"
     "\n"
     "读入分配表（CSV/TSV、XLSX、PDF 或从通知中复制出的文字），逐项精确核对：每个上级在每个金额列\n"
     "都等于其下级之和（列合计），每行的全年合计等于各类别之和（类别合计），且等于\n"
     "已提前下达 + 此次下达，以及 --rule 给出的其他关系。绩效目标表、绩效自评表也可核对；\n"
     "fenpei check 分配表 --targets 目标表文件… 把目标表与分配表交叉核对\n"
     "（fenpei check --targets - --help，docs/performance.md）。\n"
     "\n"
     "选项：\n"
     "  --rule \"A = B + C\"   在每一行再核对这个线性关系（可重复）\n"
     "  --tolerance AMOUNT  差额不超过 AMOUNT 时记为尾差警告而非错误\n"
     "  --format text|json  报告格式（默认 text）\n"
     "  --lang zh|en        报告与帮助的语言（默认 zh）\n"
     "  --no-explain        不分析错误的可能原因（默认每个错误附一行“可能原因”：笔误、串列、\n"
     "                      缺行、多行、名称错位、拆行、尾差、上级错误，或多种可能）\n"
     "  --fix               把所有无歧义的修改写入 -o 指定的文件，列出改动并重新核对\n"
     "  -o, --output FILE   --fix 写出的修正表（标准 CSV）\n"
     "  --xlsx FILE         另写一份审核工作簿：出错关系涉及的单元格标色并加批注，另有“问题清单”\n"
     "  --letter FILE       另把通知正文（.txt、.docx、.pdf）中写明的每个金额与表中对应数字比对：\n"
     "                      不一致为错误，找不到对应数字的金额为警告\n"
     "  --force             FILE（-o 或 --xlsx）已存在时覆盖\n"
     "\n"
     "多个文件或一个文件夹（其中的 .csv、.tsv、.txt、.xlsx、.pdf，及含绩效表的 .docx）逐个核对，\n"
     "每个文件一行汇总（行数、错误、警告；绩效表文件按绩效表规则核对，行数处为“-”并注明绩效表张数；\n"
     "--format json 为 {files: […]}）；此时 --xlsx FILE 写一份汇总工作簿，\n"
     "链接到每张表的审核工作簿。读不了的文件在汇总中报告，其余照常核对。\n"
     "\n" LOAD_HELP_ZH
     "  -h, --help          显示本帮助\n"
     "\n"
     "退出状态：0 各项关系全部成立（可有警告），1 发现错误，2 表读不了或命令行有误（多个文件时取最差者）。\n"
     "用 --fix 时为修正后表格的状态：0 全部成立，1 仍有错误。\n"},
    {"realloc", "测算：新的合计按整数单位重新分配，各项关系精确成立",
     "用法：fenpei realloc 表 --set 单位:列=金额 [--set …] -o 新表.csv [选项]\n"
     "\n"
     "给某单位（名称；名称重复时用从顶层起以 / 分隔的路径，如 总计/地州合计/巴州）的某列（类别或\n"
     "全年合计）一个新金额，按现有金额比例以整数单位分摊到其下各行，使每个小计、类别合计和\n"
     "全年 = 已提前下达 + 此次下达 仍精确成立。已提前下达不变。多个 --set 一并求解。\n"
     "\n"
     "选项：\n"
     "  --set UNIT:COLUMN=AMOUNT  一个新金额（可重复）\n"
     "  -o, --output FILE         新表（CSV，列与原表相同）\n"
     "  --diff FILE               每行每列：原值、新值、变动、变动百分比（CSV）\n"
     "  --xlsx FILE               测算工作簿：新表（按通知格式排版）、变动、参数\n"
     "  --title TEXT              工作簿中新表的标题（默认：原表的标题）\n"
     "  --attachment TEXT         标题上方的一行，如 附件1\n"
     "  --method M                controlled（默认）、hamilton、jefferson（dhondt）、\n"
     "                            webster（sainte-lague）、huntington-hill、adams\n"
     "  --unit AMOUNT             结果的取整单位（默认 1，如 0.01）\n"
     "  --rounding MODE           nearest（默认）、down、up、half-even：--set 金额不是整数单位时的取整\n"
     "  --no-clawback             任何一行的新全年合计不低于已提前下达（此次下达 ≥ 0）\n"
     "  --min COLUMN=AMOUNT       每个有该列金额的行在该列的下限（可重复）\n"
     "  --fix UNIT                UNIT 及其下各行保持不变（可重复）\n"
     "  --fit-rounds N            同时拟合多个 --set 的最多轮数（默认 5000 轮以上）；\n"
     "                            未达目标则不写出新表\n"
     "  --force                   覆盖已存在的输出文件\n" LOAD_HELP_ZH
     "  -h, --help                显示本帮助\n"
     "\n"
     "退出状态：0 已写出，2 输入有误、要求无法满足或命令行有误。\n"},
    {"apportion", "按权重把整数席位/单位分给各行（经典分配方法）",
     "用法：fenpei apportion --seats N --method 方法 [--min K] [--max K] 权重.csv\n"
     "\n"
     "把 N 个整数席位（或单位）按权重精确分给 权重.csv 的各行。权重.csv 有表头；第一列为名称，\n"
     "第二列为权重（精确的十进制数 ≥ 0；“26,455”和全角数字均可）。以 CSV 输出 name,seats，\n"
     "按输入顺序每行一条。\n"
     "\n"
     "选项：\n"
     "  --seats N           要分的席位数（整数 ≥ 0）\n"
     "  --method METHOD     hamilton（最大余数法）、jefferson（dhondt、d'hondt）、\n"
     "                      webster（sainte-lague）、huntington-hill（hh）或 adams\n"
     "  --min K             每行至少 K 个（hamilton 时按美国历史规则：份额低于 K 的行得 K 并退出排序）\n"
     "  --max K             每行至多 K 个\n"
     "  -h, --help          显示本帮助\n"
     "\n"
     "并列时归文件中靠前的行。Huntington-Hill 与 Adams 先保证权重为正的每行各得一个（席位够时）。\n"
     "\n"
     "退出状态：0 完成，2 文件读不了、权重有误、上下限无法满足或命令行有误。\n"},
    {"convert", "把表（XLSX、通知文字、PDF、CSV）写成标准 CSV",
     "用法：fenpei convert [选项] 表 -o 输出.csv\n"
     "      fenpei convert [选项] 表 --show-tree\n"
     "\n"
     "读入分配表——从 PDF 通知复制出的表（没有级次列：按行的顺序、名称和加总关系重建层级）、\n"
     "PDF 本身、XLSX 工作簿或 CSV——写成标准 CSV：级次、单位、各金额列、各文字列，行按层级顺序，\n"
     "每个金额都写出（空白写 0），UTF-8，CRLF 换行。\n"
     "\n"
     "选项：\n"
     "  -o, --output FILE   把标准 CSV 写入 FILE（经临时文件）\n"
     "  --force             FILE 已存在时覆盖\n"
     "  --show-tree         显示读出的层级：按级缩进的名称及其全年合计，位置不确定的行标“?”\n"
     LOAD_HELP_ZH
     "  -h, --help          显示本帮助\n"
     "\n"
     "用 --to-unit 时输出以单位行（单位：元）开头，因为金额已不是读者默认的单位。\n"
     "\n"
     "退出状态：0 已转换，1 已转换但有些行在层级中的位置不确定（警告会列出；用 fenpei check 看\n"
     "哪里不平），2 表读不了、输出未写出或命令行有误。\n"},
    {"notice", "把分配表写成可直接打印的通知附件（XLSX）",
     "用法：fenpei notice 表 -o 分配表.xlsx [选项]\n"
     "\n"
     "把分配表写成下达通知的附件：合并的标题、单位行、自动换行的表头、按级缩进的名称、加粗的\n"
     "小计，每个小计、全年合计和此次下达单元格用 SUM 公式（并已算好数值），按级折叠，冻结表头，\n"
     "A4 横向一页宽、每页重复表头并有“第 N 页 共 M 页”。表必须平衡：fenpei check 会列出不平之处。\n"
     "\n"
     "选项：\n"
     "  -o, --output FILE   要写的工作簿（.xlsx）\n"
     "  --title TEXT        标题行（默认：表的标题，没有时为 分配表）\n"
     "  --unit TEXT         “单位：”后的单位（默认：表中所写；未写时须由此给出）\n"
     "  --sheet NAME        工作表名（默认：分配表）\n"
     "  --attachment TEXT   标题上方的一行，如 附件1\n"
     "  --thousands         金额加千分位（单位为元时默认）\n"
     "  --no-thousands      金额不加千分位\n"
     "  --force             FILE 已存在时覆盖\n" LOAD_HELP_ZH
     "  -h, --help          显示本帮助\n"
     "\n"
     "退出状态：0 已写出，1 表不平衡（未写出），2 输入或命令行有误，或 FILE 已存在而未给 --force。\n"},
    {"serve", "本机网页和 JSON 接口：不用终端也能在浏览器里检查、测算",
     "用法：fenpei serve [--listen [地址:]端口] [--max-upload 大小] [--max-rows N] [--threads N]\n"
     "\n"
     "提供一个网页（中文，无需联网）和一套 JSON 接口：检查分配表、测算、生成下达通知工作簿，\n"
     "给不用终端的同事在浏览器里使用。上传的表格只在内存中处理，答复后即释放，不写入磁盘。\n"
     "\n"
     "选项：\n"
     "  --listen [ADDR:]PORT  监听地址（默认 127.0.0.1:8080；只写端口即 127.0.0.1:端口；\n"
     "                        0.0.0.0:端口 供整个内网使用；[::1]:端口；端口 0 取任一空闲端口）\n"
     "  --max-upload SIZE     接受的最大请求，如 20M（默认）、512K；超过时答复 413\n"
     "  --max-rows N          处理的最大表格行数（默认 100000）；超过时答复 413\n"
     "  --threads N           工作线程数（默认：处理器个数）\n"
     "  --timeout SECONDS     连接空闲这么多秒后关闭（默认 30）\n"
     "  -h, --help            显示本帮助\n"
     "\n"
     "地址打印在标准输出（“fenpei serve: http://127.0.0.1:8080/”）；每个请求在标准错误输出一行\n"
     "（时间、方法、路径、状态、字节数、毫秒）。收到 SIGTERM 或 SIGINT 时停止。接口：POST\n"
     "/api/check、/api/realloc、/api/notice（见 docs/web.md）。\n"},
    {"allocate", "因素法：按加权因素分配一笔资金，可直接填入分配表的一列",
     "用法：fenpei allocate 因素表 --total 金额 --weights \"因素1=权重1,因素2=权重2,…\" [选项] -o 输出\n"
     "\n"
     "按因素法把 金额 分给 因素表 的各末级行：第 i 行的份额为 Σ_k w_k·f_ki / Σ_j f_kj（按十进制文字\n"
     "精确计算的有理数；各权重之和须恰为 1），先给每个末级行 --base 的基数。用受控舍入取整：每个\n"
     "末级行和每个小计与精确值相差不到一个单位，小计为各行之和。\n"
     "\n"
     "选项：\n"
     "  --total AMOUNT      要分配的金额（整数单位）\n"
     "  --weights TEXT      因素列及其权重，如 \"常住人口=0.6,管理人数=0.3,绩效得分=0.1\"\n"
     "  --base AMOUNT       每个末级行先得的基数（默认 0）\n"
     "  --column NAME       结果列名（默认 分配金额）；与 --into 同用时为要填入的类别列\n"
     "  --into TABLE        把结果填入分配表 TABLE 的 --column 列（更新小计、全年和此次下达）\n"
     "  --unit U            结果的取整单位（默认 1）\n"
     "  -o, --output FILE   结果（CSV）\n"
     "  --force             覆盖已存在的输出文件\n"
     "  -h, --help          显示本帮助\n"
     "\n"
     "退出状态：0 已写出；2 输入有误（因素缺失或为负、权重之和不为 1、单位只在一张表中 …），\n"
     "不写出任何文件。\n"},
    {"compare", "比较同一结构的两张表：变动、变动率、排名",
     "用法：fenpei compare 原表 新表 [--format csv|json] [--xlsx 文件] [选项]\n"
     "\n"
     "把同一结构的两张表（方案一与方案二、去年与今年）并排比较：每个单位每个金额列的原值、新值、\n"
     "变动、精确的变动率，以及在各表末级单位中的排名（大者在前）；只在一张表中的单位单独标出。\n"
     "单位按自上而下的名称路径匹配，不按行号。\n"
     "\n"
     "选项：\n"
     "  --format F          csv（默认）或 json，输出到标准输出\n"
     "  --xlsx FILE         另写一个工作簿：汇总表和每列一张表\n"
     "  --force             覆盖已存在的工作簿\n"
     "  -h, --help          显示本帮助\n"
     LOAD_HELP_ZH
     "\n"
     "两张表也各自审核：某张表的平衡关系不全成立时照常写出比较，在标准错误上说明，退出状态为 1。\n"
     "\n"
     "退出状态：0 已比较；1 已比较，但有一张表不平衡；2 输入有误。\n"},
    {"package", "写出整套下达文件：通知正文、附件1、附件3、对下分解",
     "用法：fenpei package 表 -o 文件夹 [选项]\n"
     "\n"
     "把分配表的整套下达文件写入文件夹，所有数字都取自表：通知.docx（按模板生成的通知正文）、\n"
     "附件1 分配表.xlsx（通知工作簿，标题上方有附件1，打印页眉有文号）、附件3 跟踪反馈表.xlsx（每个受款单位\n"
     "一张反馈表）。用 --split 时另为每个地州写 对下分解/<地州>/：该地州的表（分配表.csv、\n"
     "附件1 分配表.xlsx）、反馈表和转下达通知草稿（通知.docx）。表必须平衡：fenpei check 会列出不平之处。\n"
     "\n"
     "选项：\n"
     "  -o, --output DIR      文件夹（不存在则创建）\n"
     "  --issuer TEXT         发文机关，如 新疆维吾尔自治区财政厅\n"
     "  --doc-number TEXT     文号，如 新财社〔2024〕24号\n"
     "  --title TEXT          通知标题（默认：关于下达<表的标题>的通知）\n"
     "  --to TEXT             主送（默认：各受款单位名称）\n"
     "  --income-code TEXT    收入科目，如 \"1100249 医疗卫生共同财政事权转移支付收入\"\n"
     "  --expense-code TEXT   支出科目，如 \"2100408 基层公共卫生服务\"\n"
     "  --direct-funds TEXT   直达资金标识，如 \"01 自治区直达资金\"\n"
     "  --date TEXT           成文日期（默认空着，手写）\n"
     "  --attachment TEXT     附件清单的一行（可重复；默认：分配表、绩效目标表、跟踪反馈表）\n"
     "  --template FILE       带 {{占位符}} 的 .docx 模板（默认：内置模板）\n"
     "  --split               另为每个地州写 对下分解/<地州>/\n"
     "  --force               覆盖文件夹中已存在的文件\n" LOAD_HELP_ZH
     "  -h, --help            显示本帮助\n"
     "\n"
     "占位符没有值（比如未给 --direct-funds）的段落略去。退出状态：0 已写出，1 表不平衡（未写出），\n"
     "2 输入、模板或命令行有误，或文件已存在而未给 --force。\n"},
    {"targets", "按分配表为每个受款单位写一份绩效目标表（XLSX）",
     "用法：fenpei targets [选项] 分配表 --model 绩效目标表 -o 文件夹\n"
     "\n"
     "为分配表的每个受款单位（合计行下的本级单位和地州）在文件夹中写一份项目支出绩效目标表\n"
     "（<单位>.xlsx）：预算单位为该单位，年度预算总额和财政拨款取其全年应拨付资金合计，项目名称、\n"
     "年度总体目标和各指标行照抄样表（--model 文件中的第一张目标表；其指标分值权重须合计 90）。\n"
     "\n"
     "选项：\n"
     "  --model FILE        样表（.docx、.xlsx 或文字，必需）\n"
     "  --index N           用样表文件中的第 N 张目标表（默认 1）\n"
     "  -o, --output DIR    文件夹（不存在则创建，必需）\n"
     "  --force             覆盖已存在的工作簿\n" LOAD_HELP_ZH
     "  -h, --help          显示本帮助\n"
     "\n"
     "退出状态：0 已写出，2 文件读不了或写不了，或命令行有误。\n"},
    {"check-performance", "核对绩效目标表、绩效自评表、部门整体支出绩效目标表",
     "用法：fenpei check [选项] 绩效表文件…\n"
     "      fenpei check [选项] 分配表 --targets 绩效目标表文件…\n"
     "\n"
     "文件（Word .docx、XLSX 或文字）中的每张绩效表按其规则精确核对：目标表（指标分值权重合计 90，\n"
     "年度预算总额 = 财政拨款 + 其他资金，每个指标有指标值和权重）；自评表（各项资金之和，执行率和\n"
     "预算执行得分按所印精度，得分 ≤ 分值，总计行）；部门整体支出目标表（总额 = 财政拨款 + 其他资金，\n"
     "合计 = 各任务之和）。用 --targets 时，每张目标表对应到分配表中的受款单位，核对年度预算总额\n"
     "是否等于该单位的全年应拨付资金合计。详见 docs/performance.md。\n"
     "\n"
     "选项：\n"
     "  --targets FILE      与分配表交叉核对 FILE（及其后各文件）中的目标表\n"
     "  --format text|json  报告格式（默认 text）\n"
     "  --lang zh|en        文字报告的语言（默认 zh）\n"
     "  --xlsx FILE         另写审核工作簿：每张表一个工作表，有问题的单元格标色并加批注，及问题清单\n"
     "  --force             FILE 已存在时覆盖\n"
     "  -h, --help          显示本帮助\n"
     "\n"
     "退出状态：0 无错误（可有警告），1 有错误，2 文件读不了或命令行有误。\n"},
};

int cli_lang_english(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--lang=en") == 0 ||
            (strcmp(argv[i], "--lang") == 0 && i + 1 < argc && strcmp(argv[i + 1], "en") == 0))
            return 1;
        if (strncmp(argv[i], "--lang", 6) == 0)
            return 0; /* --lang zh: Chinese, whatever the environment says */
    }
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) /* the first one set decides, as for setlocale(3) */
            return strncmp(v, "en", 2) == 0;
    }
    return 0;
}

static const help_zh *find(const char *command)
{
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
        if (strcmp(helps[i].command, command) == 0)
            return &helps[i];
    return NULL;
}

const char *cli_help_text(const char *command, const char *english, int en)
{
    const help_zh *h = find(command);
    return en || !h ? english : h->text;
}

const char *cli_help_summary(const char *command, const char *english, int en)
{
    const help_zh *h = find(command);
    return en || !h ? english : h->summary;
}
