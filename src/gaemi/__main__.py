from gaemi.cli.app import main

main()
