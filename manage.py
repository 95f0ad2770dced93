#!/usr/bin/env python
import os
import sys


def main() -> None:
    # A bare `manage.py` on a workstation gets DEBUG on; the Docker image sets
    # DJANGO_SETTINGS_MODULE=config.settings, and so do the Makefile targets.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
