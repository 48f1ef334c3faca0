"""Chinese-language knowledge, owned here and nowhere else: dates, numbers, document markers, regions and the
domain vocabulary of education bureaus."""

CJK = r"\u4e00-\u9fff"  # the CJK Unified Ideographs, as a regex character range
