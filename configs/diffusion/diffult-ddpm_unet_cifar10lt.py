# DiffuLT's generator on CIFAR-10-LT IF100 with the paper's settings: the
# CIFAR-100-LT config with the CIFAR-10-LT data and its phi0
# (configs/baselines/ce_resnet32_cifar10lt.py; point DIFFULT_PHI0_CHECKPOINT
# at its final checkpoint).
_base_ = ['./diffult-ddpm_unet_cifar100lt.py']

phi0_config = 'configs/baselines/ce_resnet32_cifar10lt.py'
phi0_checkpoint = '{{$DIFFULT_PHI0_CHECKPOINT:work_dirs/ce_resnet32_cifar10lt/epoch_200.pth}}'  # noqa: E501

model = dict(
    num_classes=10,
    aid=dict(
        phi0_config=phi0_config,
        phi0_checkpoint=phi0_checkpoint,
        real_dataset=dict(type='CIFAR10LT')))
train_dataloader = dict(dataset=dict(type='CIFAR10LT'))
val_dataloader = dict(dataset=dict(num_classes=10, per_class=1000))
val_evaluator = dict(
    phi0_config=phi0_config,
    phi0_checkpoint=phi0_checkpoint,
    real_dataset=dict(type='CIFAR10LT'))
