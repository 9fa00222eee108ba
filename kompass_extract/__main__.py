from kompass_extract.cli import main

main()
