"""The app's pages after Home, in navigation order: name (``views/<name>.py``) → icon.

Their titles come from the catalog (``nav.<name>``, ``page.<name>``).
"""

PAGES = {
    "sequence_classification": "format_list_numbered",
    "next_number": "trending_up",
    "hello": "text_fields",
    "inside": "memory",
    "shapes": "view_in_ar",
    "scratch": "functions",
    "compare": "compare_arrows",
    "long_memory": "history",
    "sentiment": "sentiment_satisfied",
}
