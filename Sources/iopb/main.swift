import IOPBCommands

IOPB.main()
