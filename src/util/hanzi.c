/* util/hanzi.c — traditional → simplified for the characters of table words (see hanzi.h). */
#include "util/hanzi.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Sorted by the traditional code point; every pair is a 3-byte UTF-8 character on both sides,
 * so a replacement never changes a text's length. */
static const struct {
    uint16_t trad, simp;
} table[] = {
    {0x4F86, 0x6765}, /* 來 来 */
    {0x500B, 0x4E2A}, /* 個 个 */
    {0x5099, 0x5907}, /* 備 备 */
    {0x50B3, 0x4F20}, /* 傳 传 */
    {0x5104, 0x4EBF}, /* 億 亿 */
    {0x5152, 0x513F}, /* 兒 儿 */
    {0x5167, 0x5185}, /* 內 内 */
    {0x5169, 0x4E24}, /* 兩 两 */
    {0x5225, 0x522B}, /* 別 别 */
    {0x5283, 0x5212}, /* 劃 划 */
    {0x52D5, 0x52A8}, /* 動 动 */
    {0x52D9, 0x52A1}, /* 務 务 */
    {0x52F5, 0x52B1}, /* 勵 励 */
    {0x5340, 0x533A}, /* 區 区 */
    {0x55AE, 0x5355}, /* 單 单 */
    {0x570B, 0x56FD}, /* 國 国 */
    {0x5712, 0x56ED}, /* 園 园 */
    {0x5716, 0x56FE}, /* 圖 图 */
    {0x5A66, 0x5987}, /* 婦 妇 */
    {0x5BE6, 0x5B9E}, /* 實 实 */
    {0x5BE7, 0x5B81}, /* 寧 宁 */
    {0x5C08, 0x4E13}, /* 專 专 */
    {0x5C64, 0x5C42}, /* 層 层 */
    {0x5C6C, 0x5C5E}, /* 屬 属 */
    {0x5EE3, 0x5E7F}, /* 廣 广 */
    {0x61C9, 0x5E94}, /* 應 应 */
    {0x6236, 0x6237}, /* 戶 户 */
    {0x64A5, 0x62E8}, /* 撥 拨 */
    {0x6578, 0x6570}, /* 數 数 */
    {0x6703, 0x4F1A}, /* 會 会 */
    {0x6771, 0x4E1C}, /* 東 东 */
    {0x696D, 0x4E1A}, /* 業 业 */
    {0x6B0A, 0x6743}, /* 權 权 */
    {0x6B78, 0x5F52}, /* 歸 归 */
    {0x6EEC, 0x6CAA}, /* 滬 沪 */
    {0x6F22, 0x6C49}, /* 漢 汉 */
    {0x6FDF, 0x6D4E}, /* 濟 济 */
    {0x700B, 0x6C88}, /* 瀋 沈 */
    {0x7063, 0x6E7E}, /* 灣 湾 */
    {0x70CF, 0x4E4C}, /* 烏 乌 */
    {0x7121, 0x65E0}, /* 無 无 */
    {0x723E, 0x5C14}, /* 爾 尔 */
    {0x734E, 0x5956}, /* 獎 奖 */
    {0x746A, 0x739B}, /* 瑪 玛 */
    {0x7642, 0x7597}, /* 療 疗 */
    {0x767C, 0x53D1}, /* 發 发 */
    {0x78BC, 0x7801}, /* 碼 码 */
    {0x7A31, 0x79F0}, /* 稱 称 */
    {0x7CB5, 0x7CA4}, /* 粵 粤 */
    {0x7D1A, 0x7EA7}, /* 級 级 */
    {0x7D50, 0x7ED3}, /* 結 结 */
    {0x7D71, 0x7EDF}, /* 統 统 */
    {0x7DAD, 0x7EF4}, /* 維 维 */
    {0x7DDA, 0x7EBF}, /* 線 线 */
    {0x7DE8, 0x7F16}, /* 編 编 */
    {0x7E23, 0x53BF}, /* 縣 县 */
    {0x7E3D, 0x603B}, /* 總 总 */
    {0x7E3E, 0x7EE9}, /* 績 绩 */
    {0x7E8C, 0x7EED}, /* 續 续 */
    {0x8207, 0x4E0E}, /* 與 与 */
    {0x8208, 0x5174}, /* 興 兴 */
    {0x83EF, 0x534E}, /* 華 华 */
    {0x842C, 0x4E07}, /* 萬 万 */
    {0x85E5, 0x836F}, /* 藥 药 */
    {0x8606, 0x82A6}, /* 蘆 芦 */
    {0x8607, 0x82CF}, /* 蘇 苏 */
    {0x862D, 0x5170}, /* 蘭 兰 */
    {0x865F, 0x53F7}, /* 號 号 */
    {0x885B, 0x536B}, /* 衛 卫 */
    {0x88DC, 0x8865}, /* 補 补 */
    {0x8A08, 0x8BA1}, /* 計 计 */
    {0x8A2D, 0x8BBE}, /* 設 设 */
    {0x8A3B, 0x6CE8}, /* 註 注 */
    {0x8AAA, 0x8BF4}, /* 說 说 */
    {0x8B77, 0x62A4}, /* 護 护 */
    {0x8C50, 0x4E30}, /* 豐 丰 */
    {0x8CA1, 0x8D22}, /* 財 财 */
    {0x8CA7, 0x8D2B}, /* 貧 贫 */
    {0x8CB4, 0x8D35}, /* 貴 贵 */
    {0x8CBB, 0x8D39}, /* 費 费 */
    {0x8CBC, 0x8D34}, /* 貼 贴 */
    {0x8CC7, 0x8D44}, /* 資 资 */
    {0x8F49, 0x8F6C}, /* 轉 转 */
    {0x8FB2, 0x519C}, /* 農 农 */
    {0x904B, 0x8FD0}, /* 運 运 */
    {0x9054, 0x8FBE}, /* 達 达 */
    {0x907C, 0x8FBD}, /* 遼 辽 */
    {0x9109, 0x4E61}, /* 鄉 乡 */
    {0x91AB, 0x533B}, /* 醫 医 */
    {0x93AE, 0x9547}, /* 鎮 镇 */
    {0x9577, 0x957F}, /* 長 长 */
    {0x9580, 0x95E8}, /* 門 门 */
    {0x958B, 0x5F00}, /* 開 开 */
    {0x95A9, 0x95FD}, /* 閩 闽 */
    {0x95DC, 0x5173}, /* 關 关 */
    {0x965D, 0x9655}, /* 陝 陕 */
    {0x967D, 0x9633}, /* 陽 阳 */
    {0x968A, 0x961F}, /* 隊 队 */
    {0x969B, 0x9645}, /* 際 际 */
    {0x96F2, 0x4E91}, /* 雲 云 */
    {0x9801, 0x9875}, /* 頁 页 */
    {0x9805, 0x9879}, /* 項 项 */
    {0x9810, 0x9884}, /* 預 预 */
    {0x984D, 0x989D}, /* 額 额 */
    {0x985E, 0x7C7B}, /* 類 类 */
    {0x990A, 0x517B}, /* 養 养 */
    {0x9AD4, 0x4F53}, /* 體 体 */
    {0x9B6F, 0x9C81}, /* 魯 鲁 */
    {0x9EC3, 0x9EC4}, /* 黃 黄 */
    {0x9F4A, 0x9F50}, /* 齊 齐 */
    {0x9F61, 0x9F84}, /* 齡 龄 */
    {0x9F8D, 0x9F99}, /* 龍 龙 */
};

static int cmp(const void *key, const void *elem)
{
    unsigned k = *(const unsigned *)key, e = ((const uint16_t *)elem)[0];
    return (k > e) - (k < e);
}

size_t hz_simplify(const char *s, size_t len, char *out)
{
    size_t n = 0;
    if (out != s)
        memmove(out, s, len);
    out[len] = '\0';
    unsigned char *u = (unsigned char *)out;
    for (size_t i = 0; i + 3 <= len;) {
        if ((u[i] & 0xF0) != 0xE0 || (u[i + 1] & 0xC0) != 0x80 || (u[i + 2] & 0xC0) != 0x80) {
            i++;
            continue;
        }
        unsigned cp = ((u[i] & 0x0Fu) << 12) | ((u[i + 1] & 0x3Fu) << 6) | (u[i + 2] & 0x3Fu);
        const uint16_t *hit = bsearch(&cp, table, sizeof table / sizeof table[0],
                                      sizeof table[0], cmp);
        if (hit) {
            unsigned sc = hit[1];
            u[i] = (unsigned char)(0xE0 | (sc >> 12));
            u[i + 1] = (unsigned char)(0x80 | ((sc >> 6) & 0x3F));
            u[i + 2] = (unsigned char)(0x80 | (sc & 0x3F));
            n++;
        }
        i += 3;
    }
    return n;
}
