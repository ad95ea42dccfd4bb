# The vision-only pair of metafg-tiny_cifar10lt-jpg-simmeta_cpu.py: the
# same MetaFG network and schedule without meta tokens (the data still
# carries the simulated metadata; the network does not read it).
_base_ = ['./metafg-tiny_cifar10lt-jpg-simmeta_cpu.py']

model = dict(backbone=dict(meta_dims=()))
