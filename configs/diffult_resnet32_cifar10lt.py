# DiffuLT on CIFAR-10-LT IF100, ResNet-32 (published 84.7 top-1, Table 7):
# the CIFAR-100-LT job with N_t = 5000 (37,594 synthetic slots) and the
# CIFAR-10-LT phi0 and generator.
_base_ = ['./diffult_resnet32_cifar100lt.py']

model = dict(head=dict(num_classes=10))
data_preprocessor = dict(num_classes=10)
train_dataloader = dict(
    dataset=dict(dataset=dict(type='CIFAR10LT'), target=5000))
val_dataloader = dict(dataset=dict(type='CIFAR10LT'))
test_dataloader = val_dataloader

custom_hooks = [
    dict(
        type='DiffuLTSynthesisHook',
        phi0_config='{{fileDirname}}/baselines/ce_resnet32_cifar10lt.py',
        generator_config='{{fileDirname}}/diffusion/'
        'diffult-ddpm_unet_cifar10lt.py',
        sampler='ddpm',
        num_steps=1000,
        guidance_scale=1.4,
        sample_batch_size=500,
        filter=dict(type='DiffuLTFilter', d_f='per_class',
                    keep=('ID', 'AID'))),
    dict(type='TrainClassCountsHook'),
]
