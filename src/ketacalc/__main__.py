from ketacalc.cli import main

raise SystemExit(main())
