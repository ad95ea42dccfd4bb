_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar10lt-if10_bs128.py',
    '../_base_/schedules/cifar_bs128_200e_bbn.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(num_classes=10))
