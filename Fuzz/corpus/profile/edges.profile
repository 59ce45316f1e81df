clock.ghz = 0.5
switch.base = 1e9
copy.per_byte.cold = 1/3
