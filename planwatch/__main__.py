from planwatch.cli import main

main()
