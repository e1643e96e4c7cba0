"""Shell completion for WIJK arguments: runs on every Tab, so it must be quick and quiet."""

from __future__ import annotations


def wijken(data_dir: str | None, incomplete: str) -> list[tuple[str, str]]:
    """(code, name) of the wijken whose code or folded name starts with `incomplete`.

    Any error gives no candidates: completion never prints into the user's prompt.
    """
    try:
        from wijkctl import store
        from wijkctl.text import fold

        data = store.load(store.find_data_dir(data_dir))
    except Exception:
        return []
    key = fold(incomplete)
    out = []
    for w in data.wijken:
        if w.code.startswith(incomplete) or fold(w.naam).startswith(key):
            out.append((w.code, w.naam))
    return out
