import sys

from budgetsite.cli import main

sys.exit(main())
