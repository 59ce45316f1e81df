copy.residency = cold
ltr = 20
invlpg = 1e3

# windows line ends
