"""``python -m jobcrawler``: the same as the ``jobcrawler`` command."""

import sys

from jobcrawler.ops.cli import main

sys.exit(main())
