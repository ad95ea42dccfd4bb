# DiffuLT's generator on CIFAR-10-LT IF100 with the paper's settings
# (App. A.1): DDPM CIFAR UNet, L_DDPM + L_CBDM (tau 1, gamma 0.25) + L_AID
# (alpha 0.1, d_f per class), Adam 2e-4, batch 128, 500k iterations, 5k
# warm-up, grad clip 1, EMA 0.9999, horizontal flip.
#
# phi0 is the CE ResNet-32 of configs/baselines/ce_resnet32_cifar10lt.py;
# point DIFFULT_PHI0_CHECKPOINT at its final checkpoint.
_base_ = [
    '../_base_/models/diffult_ddpm_unet_cifar.py',
    '../_base_/datasets/cifar10lt_diffusion_bs128.py',
    '../_base_/schedules/diffusion_adam_500k.py',
    '../_base_/default_runtime.py',
]
phi0_config = 'configs/baselines/ce_resnet32_cifar10lt.py'
phi0_checkpoint = '{{$DIFFULT_PHI0_CHECKPOINT:work_dirs/ce_resnet32_cifar10lt/epoch_200.pth}}'  # noqa: E501

model = dict(
    num_classes=10,
    aid=dict(
        phi0_config=phi0_config,
        phi0_checkpoint=phi0_checkpoint,
        real_dataset={{_base_.real_dataset}},
        alpha=0.1,
        d_f='per_class'))
val_evaluator = dict(
    type='Phi0GeneratorQuality',
    phi0_config=phi0_config,
    phi0_checkpoint=phi0_checkpoint,
    real_dataset={{_base_.real_dataset}})
default_hooks = dict(
    # Validation metrics logged against the iteration, not epoch 0.
    logger=dict(interval=100, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=10000, max_keep_ckpts=3))
