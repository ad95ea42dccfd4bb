# RIDE's CIFAR recipe (config_imbalance_cifar100_ride.json): the LDAM-DRW
# schedule with Nesterov momentum and wd 5e-4.
_base_ = './cifar_bs128_200e_ldam.py'
optim_wrapper = dict(optimizer=dict(nesterov=True, weight_decay=5e-4))
