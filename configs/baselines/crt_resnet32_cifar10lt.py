# cRT on CIFAR-10-LT IF100: crt_resnet32_cifar100lt.py with CIFAR-10-LT.
_base_ = ['./crt_resnet32_cifar100lt.py']
model = dict(
    backbone=dict(init_cfg=dict(
        checkpoint='work_dirs/ce_resnet32_cifar10lt/epoch_200.pth')),
    head=dict(num_classes=10))
data_preprocessor = dict(num_classes=10)
train_dataloader = dict(dataset=dict(type='CIFAR10LT'))
val_dataloader = dict(dataset=dict(type='CIFAR10LT'))
test_dataloader = val_dataloader
