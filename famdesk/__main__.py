"""Entry point: `python -m famdesk`, the `famdesk` command and PyInstaller's script."""

from __future__ import annotations

import sys


def main() -> int:
    from famdesk.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
