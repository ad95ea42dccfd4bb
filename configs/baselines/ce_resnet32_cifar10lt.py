# Plain cross-entropy ResNet-32 on CIFAR-10-LT IF100, BBN 200-epoch recipe.
# Published: 70.4 (DiffuLT Table 7).
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar10lt_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_bbn.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=10))
