"""The ``planwatch`` command: every Django management command, with hyphenated names allowed.

``planwatch load-dataset`` runs the ``load_dataset`` management command, ``planwatch migrate``
runs ``migrate``. ``planwatch demo`` switches on demo mode (debug, demo accounts) before the
settings load.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    args[0] = "planwatch"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
        if args[1] == "demo":
            os.environ["PLANWATCH_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(args)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        sys.exit(1)


if __name__ == "__main__":
    main()
