"""A stand-in for $EDITOR in the tests of `wijkctl edit`.

FAKE_EDITOR_STEPS names a JSON file with a list of steps, one per time the editor is
opened: {"replace": [OLD, NEW]}, {"append": TEXT}, {"keep": true} (close without
saving), {"empty": true}, {"exit": CODE}, {"rename": [OLD, NEW]} (save as vim, VS Code and
gedit do: a new file renamed over the copy) or {"symlink": TARGET} (put a link to TARGET
in place of the copy). What the editor was shown each time is
saved next to it as seen-1.yaml, seen-2.yaml, ...
"""

import json
import os
import sys
from pathlib import Path

steps_file = Path(os.environ["FAKE_EDITOR_STEPS"])
steps = json.loads(steps_file.read_text(encoding="utf-8"))
path = Path(sys.argv[-1])
seen = sorted(steps_file.parent.glob("seen-*.yaml"))
n = len(seen) + 1
text = path.read_text(encoding="utf-8")
(steps_file.parent / f"seen-{n}.yaml").write_text(text, encoding="utf-8")
step = steps[n - 1] if n <= len(steps) else {"keep": True}
if "exit" in step:
    sys.exit(step["exit"])
if "replace" in step:
    old, new = step["replace"]
    assert old in text, f"fake editor: {old!r} not in the file"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
elif "append" in step:
    path.write_text(text + step["append"], encoding="utf-8")
elif "empty" in step:
    path.write_text("", encoding="utf-8")
elif "rename" in step:
    old, new = step["rename"]
    assert old in text, f"fake editor: {old!r} not in the file"
    fresh = path.with_name(path.name + ".swp")
    fresh.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.chmod(fresh, 0o600)
    os.replace(fresh, path)
elif "symlink" in step:
    path.unlink()
    path.symlink_to(step["symlink"])
