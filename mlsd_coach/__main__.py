from mlsd_coach.cli.main import main

main()
