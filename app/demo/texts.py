"""Vietnamese text quoted word for word from the five seed articles (NFC, with diacritics).

Each constant names the article it comes from. Nothing here is paraphrased: titles
and labels that are ours live in ``app.demo.data``, not here.
"""

from __future__ import annotations

# --- 000 (2012, Hà Tĩnh hosts): the North Central pact for 2012 -------------------

PACT_2012_THEME = "thực hiện nhiệm vụ, kế hoạch nhà nước năm 2012"

PACT_2012_ITEMS = (
    "tiếp tục quán triệt sâu sắc tư tưởng Hồ Chí Minh, đường lối chính sách Nhà nước, "
    "Bộ Công Thương, HĐND và UBND các tỉnh khu vực cũng như tham mưu lãnh đạo để hoàn "
    "thiện các chính sách, chiến lược đầu tư phát triển thương mại",
    "tập trung phát triển công thương nghiệp các tỉnh theo hướng hiện đại hóa, đổi mới "
    "phương thức xúc tiến thương mại, xây dựng thương hiệu",
    "phân tích và dự báo trước những biến động của nền kinh tế thị trường",
    "đẩy mạnh công tác kiểm tra, giám sát cũng như tham mưu lãnh đạo địa phương thực thi "
    "các chính sách và xây dựng củng cố tổ chức Đảng, đoàn thể ở địa phương",
)

# --- 001 (24/1/2011, Lạng Sơn): the year 2010 ---------------------------------------

LANG_SON_2010_THEME = "nỗ lực vượt qua khó khăn, thách thức để hoàn thành các chỉ tiêu cơ bản"

# --- 002 (24/3/2023, Hưng Yên): Cluster no. 2 of the Red River Delta ----------------

CLUSTER_2_NAME = "Cụm thi đua số 2, Sở Công Thương các tỉnh, thành phố vùng Đồng bằng Bắc bộ"

PACT_2023_THEME = "Chủ động khắc phục khó khăn, đoàn kết, hợp tác, đổi mới và phát triển"

# The article lists 9 clauses separated by ";" and calls them "7 nội dung cơ bản".
# Clauses 2 and 3 both end in the action programme for Resolution 01/NQ-CP, and
# clauses 8 and 9 are both about the emulation movement, so each pair is one item.
PACT_2023_ITEMS = (
    "Thực hiện tốt chương trình công tác, nhiệm vụ chính trị, phấn đấu hoàn thành và hoàn "
    "thành vượt mức các chỉ tiêu kế hoạch được Bộ Công Thương và UBND các tỉnh, thành phố "
    "giao năm 2023",
    "thực hiện thắng lợi, đạt kết quả cao Chương trình hành động của Tỉnh uỷ, Thành uỷ các "
    "tỉnh, thành phố trong Cụm về thực hiện Nghị quyết số 01/NQ-CP ngày 6/1/2023 của Chính "
    "phủ về nhiệm vụ, giải pháp chủ yếu thực hiện Kế hoạch phát triển kinh tế - xã hội, dự "
    "toán ngân sách nhà nước và cải thiện môi trường kinh doanh, nâng cao năng lực cạnh "
    "tranh quốc gia năm 2023; triển khai thực hiện có hiệu quả chỉ thị, nghị quyết của "
    "Trung ương, của tỉnh, thành phố về những giải pháp ổn định kinh tế vĩ mô, thúc đẩy "
    "tăng trưởng, bảo đảm an sinh xã hội cũng như thực hiện thắng lợi Chương trình hành "
    "động của Tỉnh uỷ, Thành uỷ các tỉnh, thành phố trong Cụm về thực hiện Nghị quyết số "
    "01/NQ-CP ngày 6/1/2023 của Chính phủ về nhiệm vụ, giải pháp chủ yếu thực hiện Kế "
    "hoạch phát triển kinh tế xã hội, dự toán ngân sách nhà nước và cải thiện môi trường "
    "kinh doanh, nâng cao năng lực cạnh tranh quốc gia năm 2023",
    "chủ động tham mưu, đề xuất xây dựng, ban hành các cơ chế, chính sách phù hợp để phát "
    "triển công thương, thúc đẩy phát triển kinh tế - xã hội",
    "thực hiện hiệu quả Đề án cơ cấu lại ngành Công Thương",
    "tổ chức thực hiện tốt Nghị quyết Trung ương 6 (khóa XII) về đổi mới, sắp xếp tổ chức "
    "bộ máy hệ thống chính trị tinh gọn, hoạt động hiệu lực, hiệu quả",
    "thực hiện nghiêm quy chế dân chủ ở cơ sở, đẩy mạnh công tác cải cách hành chính, "
    "chuyển đổi số, hội nhập kinh tế",
    "tiếp tục hưởng ứng và triển khai hiệu quả các phong trào thi đua, thực hiện có hiệu "
    "quả Luật Thi đua, khen thưởng, các nghị định của Chính phủ về hướng dẫn thi hành Luật "
    "Thi đua, khen thưởng; kịp thời phát hiện các nhân tố mới, các điển hình tiên tiến "
    "trong khối thi đua để học tập kinh nghiệm, nhân rộng và động viên, khen thưởng...",
)

# --- 003 (13/5/2022, Thanh Hóa hosts): the 10th North Central conference ----------

PACT_2022_THEME = "phấn đấu hoàn thành thắng lợi các mục tiêu, nhiệm vụ trên lĩnh vực công thương năm 2022"

# The region's indicators (cluster figures, not per department and not pact content):
# kept word for word; the ledger has no indicator model yet (docs/demo-data.md, A17).
REGION_INDICATORS_2022 = (
    "Năm 2021, tổng mức bán lẻ hàng hóa toàn vùng đạt 370.461 tỷ đồng, kim ngạch xuất "
    "khẩu toàn vùng đạt 11,28 tỷ USD.",
    "Quý 1-2022, ước đạt 105.091 tỷ đồng, chiếm tỷ trọng 7,97% tổng mức bán lẻ hàng hóa "
    "cả nước (1,318 triệu tỷ đồng).",
)

# --- 004 (26/6/2020, Hà Tĩnh): the 2016–2020 movement and the 2021–2025 targets ----

HA_TINH_2016_2020_THEME = (
    "đẩy mạnh phong trào thi đua yêu nước trên các lĩnh vực gắn với việc học tập và làm "
    "theo tấm gương đạo đức Hồ Chí Minh"
)

HA_TINH_2016_2020_ITEMS = (
    "Phong trào tình nguyện của thanh niên tham gia “Người Việt Nam ưu tiên dùng hàng Việt Nam”",
    "tư vấn hướng nghiệp, giới thiệu việc làm",
    "phong trào “tích cực đấu tranh phòng, chống buôn lậu, gian lận thương mại",
    "thi đua “Cả tỉnh chung sức xây dựng nông thôn mới”",
)

HA_TINH_2021_2025_THEME = (
    "phát triển công nghiệp – tiểu thủ công nghiệp, thương mại, dịch vụ toàn diện theo "
    "hướng hiện đại, có giá trị gia tăng cao và phát triển bền vững; áp dụng khoa học công "
    "nghệ để tăng năng suất, chất lượng; nâng cao thu nhập và đời sống của Nhân dân"
)

ALL = (
    PACT_2012_THEME,
    *PACT_2012_ITEMS,
    LANG_SON_2010_THEME,
    CLUSTER_2_NAME,
    PACT_2023_THEME,
    *PACT_2023_ITEMS,
    PACT_2022_THEME,
    *REGION_INDICATORS_2022,
    HA_TINH_2016_2020_THEME,
    *HA_TINH_2016_2020_ITEMS,
    HA_TINH_2021_2025_THEME,
)
