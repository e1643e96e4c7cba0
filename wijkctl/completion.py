"""Shell completion for WIJK arguments: runs on every Tab, so it must be quick and quiet."""

from __future__ import annotations


def wijken(data_dir: str | None, incomplete: str) -> list[str]:
    """Wijk codes and names starting with `incomplete` (folded); nothing on any error."""
    try:
        from wijkctl import store
        from wijkctl.text import fold

        data = store.load(store.find_data_dir(data_dir))
    except Exception:  # completion never prints an error into the user's prompt
        return []
    key = fold(incomplete)
    out = []
    for w in data.wijken:
        if w.code.startswith(incomplete) or fold(w.naam).startswith(key):
            out.append(w.code)
    return out
