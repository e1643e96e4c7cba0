"""Shell completion for WIJK arguments: runs on every Tab, so it must be quick and quiet."""

from __future__ import annotations


def wijken(data_dir: str | None, incomplete: str) -> list[tuple[str, str]]:
    """(code, name) of the wijken whose code, CBS code or folded name starts with
    `incomplete`, case ignored (`MOL`, `Molenwy`, `wk0392`), folded as every look-up folds
    (`text.fold`), from the index of the wijken: no wijk is built on a Tab.

    Any error gives no candidates: completion never prints into the user's prompt.
    """
    try:
        from wijkctl import store
        from wijkctl.index import CBS, CODE, GEVOUWEN, NAAM
        from wijkctl.text import fold

        index = store.load(store.find_data_dir(data_dir)).index
        codes, names, folded = index.column(CODE), index.column(NAAM), index.column(GEVOUWEN)
        cbs = index.column(CBS)
    except Exception:
        return []
    key, low = fold(incomplete), incomplete.strip().lower()
    return [(codes[pos], names[pos]) for pos in range(len(index))
            if codes[pos].startswith(low) or folded[pos].startswith(key)
            or (len(low) > 2 and (cbs[pos] or "").lower().startswith(low))]
