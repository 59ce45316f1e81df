import IOPBCPU
