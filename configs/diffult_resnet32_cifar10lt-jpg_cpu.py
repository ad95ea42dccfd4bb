# DiffuLT on a laptop: the whole pipeline on real CIFAR-10-LT IF100 (the
# CIFAR-10 JPEG folder) on 2 CPU cores, scaled down (measured times in
# benchmarks/RESULTS.md):
#   phi0       CE ResNet-32, 10 epochs (compressed BBN schedule)
#   generator  the tiny CPU generator (1.1 M parameters, 750 iterations)
#   bank       N_t = 1000: 4,464 synthetic slots, DDIM 25 steps,
#              phi0-distance filter (OOD dropped)
#   classifier ResNet-32 on the proxy, weighted CE (omega 0.3), the same
#              20-epoch schedule as baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py
#
#   export DIFFULT_CIFAR10_JPG=~/.cache/diffult/cifar10-jpg
#   python tools/train.py configs/diffult_resnet32_cifar10lt-jpg_cpu.py
#
# It is the protocol's DiffuLT arm, not a reproduction: N_t, the generator
# and the schedules are far below the paper's.
_base_ = ['./baselines/ce_resnet32_cifar10lt-jpg_cpu-20e.py']

model = dict(head=dict(type='WeightedLinearClsHead'))

train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='DiffuLTDataset',
        dataset={{_base_.train_set}},
        target=1000,
        synthetic_weight=0.3))

custom_hooks = [
    dict(
        type='DiffuLTSynthesisHook',
        phi0_config='{{fileDirname}}/baselines/'
        'ce_resnet32_cifar10lt-jpg_cpu-20e.py',
        # 10 epochs: phi0 only has to give features.
        phi0_cfg_options={
            'train_cfg.max_epochs': 10,
            'train_cfg.val_interval': 10,
            'param_scheduler.1.milestones': [6, 8],
        },
        generator_config='{{fileDirname}}/diffusion/'
        'diffult-tiny_unet_cifar10lt-jpg_cpu.py',
        # Without L_AID: on this 750-iteration model L_AID as printed
        # dominates the loss and ruins denoising (benchmarks/RESULTS.md,
        # "the tiny CPU config": phi0-FD 31.9 with it, 27.9 without).
        generator_cfg_options={
            'model.aid': None,
            'train_cfg.val_interval': 750,
        },
        sampler='ddim',
        num_steps=25,
        guidance_scale=0.0,
        sample_batch_size=250,
        filter=dict(type='DiffuLTFilter', d_f='per_class',
                    keep=('ID', 'AID'))),
    dict(type='TrainClassCountsHook'),
]
