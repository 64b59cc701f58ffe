"""Every key binding's id in the app, with where it acts: the names ``[keymap]`` remaps.

settings.toml's ``[keymap]`` table (see :mod:`fiedler_tui.core.settings_file`) maps these ids to
other keys; ``fiedler doctor`` reports ids not listed here. A test checks this table against the
app's bindings, so a binding added to the app is added here too.
"""

from __future__ import annotations

BINDING_IDS: dict[str, str] = {
    # the whole app
    "help": "everywhere: Help",
    "keys": "everywhere: Keys screen",
    # Compose
    "send": "Compose: send",
    "compose-history": "Compose: History",
    "compose-secret-policy": "Compose: likely secrets policy",
    "compose-refresh": "Compose: preview again",
    "compose-count-api": "Compose: count by API on/off",
    "compose-mode": "Compose: fan-out or crosstalk",
    "compose-crosstalk-options": "Compose: crosstalk options",
    "files-toggle": "Compose files: select",
    "files-select-folder": "Compose files: select a whole folder",
    "xt-apply": "Crosstalk options: apply",
    "xt-cancel": "Crosstalk options: cancel",
    # Run and Deliberation
    "run-cancel": "Run: cancel the focused model",
    "run-cancel-all": "Run: cancel all",
    "run-maximise": "Run: maximise a pane",
    "run-review": "Run: Review",
    "run-back": "Run: back",
    "run-save-elsewhere": "Run: save elsewhere",
    "run-find": "Run: find",
    "run-left": "Run: pane left",
    "run-right": "Run: pane right",
    "run-up": "Run: pane above",
    "run-down": "Run: pane below",
    "run-scroll-up": "Run: scroll up",
    "run-scroll-down": "Run: scroll down",
    **{f"run-pane-{n}": f"Run: pane {n}" for n in range(1, 10)},
    "text-top": "output panes: top",
    "text-bottom": "output panes: bottom",
    "text-page-up": "output panes: page up",
    "text-page-down": "output panes: page down",
    "find-next": "find bar: next match",
    "find-previous": "find bar: previous match",
    "find-close": "find bar: close",
    "delib-cancel": "Deliberation: cancel the focused member",
    "delib-cancel-all": "Deliberation: cancel all",
    "delib-review": "Deliberation: review",
    "delib-back": "Deliberation: back",
    "delib-left": "Deliberation: pane left",
    "delib-right": "Deliberation: pane right",
    "dreview-next": "Deliberation review: next turn",
    "dreview-previous": "Deliberation review: previous turn",
    "dreview-view": "Deliberation review: Markdown or raw",
    "dreview-back": "Deliberation review: back",
    # Review
    "review-next": "Review: next output",
    "review-previous": "Review: previous output",
    "review-split": "Review: side by side",
    "review-sync": "Review: scroll sync",
    "review-markdown": "Review: Markdown or raw",
    "review-copy": "Review: copy the output",
    "review-copy-folder": "Review: copy the run folder",
    "review-back": "Review: back",
    "review-find": "Review: find",
    "review-export": "Review: export",
    "export-md": "Export: Markdown",
    "export-html": "Export: HTML",
    "export-cancel": "Export: cancel",
    "save-elsewhere-cancel": "Save elsewhere: cancel",
    # History
    "history-open": "History: open in Review",
    "history-rerun": "History: re-run",
    "history-filter": "History: filter",
    "history-filter-clear": "History: clear the filter",
    "history-refresh": "History: refresh",
    "history-back": "History: back",
    # Keys
    "keys-set": "Keys: set a key",
    "keys-delete": "Keys: delete a key",
    "keys-refresh": "Keys: refresh",
    "keys-back": "Keys: back",
    "key-input-cancel": "Keys, set: cancel",
    "key-delete-yes": "Keys, delete: yes",
    "key-delete-no": "Keys, delete: no",
    # Help
    "help-close": "Help: close",
}
