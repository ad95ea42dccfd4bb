# DiffuLT on CIFAR-10-LT IF100, ResNet-32 (published 84.7 top-1, DiffuLT
# Table 7): as diffult_resnet32_cifar100lt.py with N_t = 5000 (37,594
# synthetic slots). This file is diffult+ce for CIFAR-10-LT.
_base_ = [
    './baselines/ce_resnet32_cifar10lt.py',
    './_base_/diffult/cifar10lt.py',
]

model = dict(head=dict(type='WeightedLinearClsHead'))

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

custom_hooks = [
    _base_.diffult_synthesis,
    dict(type='TrainClassCountsHook'),
]
