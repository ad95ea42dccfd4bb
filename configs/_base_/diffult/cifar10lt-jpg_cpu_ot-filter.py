# cifar10lt-jpg_cpu.py with the optimal-transport filter (OptimalTransportFilter, after
# P2OT) in place of DiffuLT's phi0-distance filter: a synthesis round keeps
# the candidates whose partial transport to the planned class slots agrees
# with their label; rho = 0.9 of the mass is transported.
_base_ = ['./cifar10lt-jpg_cpu.py']
diffult_synthesis = dict(
    filter=dict(_delete_=True, type='OptimalTransportFilter', rho=0.9))
