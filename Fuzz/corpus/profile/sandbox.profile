# a sandbox profile
name = sandbox
copy.residency = l1   # hot
copy.per_byte.l1 = 1/40
invlpg = 250          # measured elsewhere

