from subpipe.cli import main

main()
