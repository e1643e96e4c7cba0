from wijkctl.cli import main

main()
