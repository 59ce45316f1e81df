print("iopb")
